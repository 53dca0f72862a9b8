"""Rules of the plan → batch → snapshot → ceremony → draw → tasks lifecycle."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ticcoop.methods.manifest_verify import verify_manifest
from ticcoop.methods.seed import commit_for
from ticcoop.supervision import services
from ticcoop.supervision.models import (
    BatchStatus,
    CeremonyStatus,
    Commitment,
    Draw,
    TaskStatus,
)
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories
from ticcoop.trust.queries import public_keyset

pytestmark = pytest.mark.django_db


@pytest.fixture
def regulators() -> dict[str, Any]:
    f.population()
    return {"11": factories.regulator("11"), "12": factories.regulator("12")}


def test_full_ceremony_publishes_a_verifiable_signed_draw(regulators: dict[str, Any]) -> None:
    batch = f.drawn_batch(regulators)
    assert batch.status == BatchStatus.DRAWN
    draw = Draw.objects.get(batch=batch)
    manifest = bytes(draw.manifest)
    targets, inspectors = bytes(batch.targets_csv), bytes(batch.inspectors_csv)
    assert verify_manifest(manifest, targets, inspectors, public_keyset()) == []
    document = json.loads(manifest)
    assert document["snapshot"]["sha256"] == batch.snapshot_sha256
    drawn = {d["id"] for s in document["strata"] for d in s["drawn"]}
    assert set(batch.tasks.values_list("target_code", flat=True)) == drawn
    assigned = batch.tasks.filter(status=TaskStatus.ASSIGNED)
    assert all(task.team.count() == 2 for task in assigned)


def test_the_freeze_audit_entry_keeps_the_snapshot_digest_not_the_files(
    regulators: dict[str, Any],
) -> None:
    batch = services.create_batch(regulators["11"], f.plan(("11", "12")))
    services.freeze_snapshot(regulators["11"], batch)
    batch.refresh_from_db()
    entry = LogEntry.objects.get_for_object(batch).filter(action=LogEntry.Action.UPDATE).last()
    assert entry is not None
    changes = entry.changes_dict
    assert changes["snapshot_sha256"][1] == batch.snapshot_sha256
    assert changes["snapshot_document"][1] == batch.snapshot_document  # names the files' digests
    assert "targets_csv" not in changes and "inspectors_csv" not in changes
    assert bytes(batch.targets_csv)  # stored on the batch itself


def test_the_draw_reads_the_frozen_files_once(regulators: dict[str, Any]) -> None:
    """targets.csv may hold millions of rows: no ceremony step reads it but the draw, once."""
    batch = services.create_batch(regulators["11"], f.plan(("11", "12")))
    ceremony = services.freeze_snapshot(regulators["11"], batch)
    with CaptureQueriesContext(connection) as queries:
        f.committed(ceremony, regulators)
        services.reveal_seed(regulators["11"], ceremony, f.REVEALS["11"])
        services.reveal_seed(regulators["12"], ceremony, f.REVEALS["12"])  # completes the draw
    reads = [q["sql"] for q in queries if "targets_csv" in q["sql"]]
    assert len(reads) == 1 and reads[0].lstrip().upper().startswith("SELECT"), reads
    assert Draw.objects.filter(batch=batch).exists()


def test_snapshot_is_frozen_before_any_commit(regulators: dict[str, Any]) -> None:
    plan = f.plan(("11", "12"))
    batch = services.create_batch(regulators["11"], plan)
    ceremony = services.freeze_snapshot(regulators["11"], batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FROZEN and len(batch.snapshot_sha256) == 64
    assert not Commitment.objects.exists()
    with pytest.raises(ValidationError, match="已经冻结"):
        services.freeze_snapshot(regulators["11"], batch)
    assert ceremony.status == CeremonyStatus.COMMITTING


def test_only_the_lead_region_manages_the_batch(regulators: dict[str, Any]) -> None:
    plan = f.plan(("11", "12"))
    with pytest.raises(PermissionDenied):
        services.create_batch(regulators["12"], plan)
    batch = services.create_batch(regulators["11"], plan)
    with pytest.raises(PermissionDenied):
        services.freeze_snapshot(factories.regulator("13"), batch)


def test_each_region_commits_only_for_itself_and_only_once(regulators: dict[str, Any]) -> None:
    batch = services.create_batch(regulators["11"], f.plan(("11", "12")))
    ceremony = services.freeze_snapshot(regulators["11"], batch)
    outsider = factories.regulator("13")
    with pytest.raises(PermissionDenied, match="不是该计划的参与地区"):
        services.commit_seed(outsider, ceremony, "a" * 64)
    services.commit_seed(regulators["11"], ceremony, "a" * 64)
    with pytest.raises(ValidationError, match="不能更改"):
        services.commit_seed(regulators["11"], ceremony, "b" * 64)
    with pytest.raises(ValidationError, match="64 位"):
        services.commit_seed(regulators["12"], ceremony, "xyz")


def test_a_bad_reveal_is_refused_and_counted(regulators: dict[str, Any]) -> None:
    batch = services.create_batch(regulators["11"], f.plan(("11", "12")))
    ceremony = services.freeze_snapshot(regulators["11"], batch)
    with pytest.raises(ValidationError, match="阶段"):
        services.reveal_seed(regulators["11"], ceremony, f.REVEALS["11"])
    f.committed(ceremony, regulators)
    with pytest.raises(ValidationError, match="不符"):
        services.reveal_seed(regulators["11"], ceremony, "some-other-reveal-0000")
    record = Commitment.objects.get(ceremony=ceremony, region__code="11")
    assert record.failed_reveals == 1 and record.revealed_at is None
    services.reveal_seed(regulators["11"], ceremony, f.REVEALS["11"])
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FROZEN  # Tianjin has not revealed yet


def test_a_missing_reveal_fails_the_ceremony_and_a_restart_is_linked(
    regulators: dict[str, Any],
) -> None:
    batch = services.create_batch(regulators["11"], f.plan(("11", "12")))
    ceremony = services.freeze_snapshot(regulators["11"], batch)
    f.committed(ceremony, regulators)
    services.reveal_seed(regulators["11"], ceremony, f.REVEALS["11"])
    late = ceremony.reveal_deadline + timedelta(minutes=1)
    assert services.expire_ceremonies(late) == 1
    ceremony.refresh_from_db()
    assert ceremony.status == CeremonyStatus.FAILED and "12" in ceremony.failure
    with pytest.raises(ValidationError):
        services.reveal_seed(regulators["12"], ceremony, f.REVEALS["12"])
    second = services.restart_ceremony(regulators["11"], batch)
    assert second.restart_of == ceremony and second.label.endswith("-C2")
    f.committed(second, regulators)
    for code, user in regulators.items():
        services.reveal_seed(user, second, f.REVEALS[code])
    document = json.loads(bytes(Draw.objects.get(batch=batch).manifest))
    assert document["batch"]["failed_ceremonies"][0]["id"] == ceremony.label
    assert document["ceremony"]["id"] == second.label


def test_restart_needs_a_failed_ceremony(regulators: dict[str, Any]) -> None:
    batch = services.create_batch(regulators["11"], f.plan(("11", "12")))
    services.freeze_snapshot(regulators["11"], batch)
    with pytest.raises(ValidationError, match="失败"):
        services.restart_ceremony(regulators["11"], batch)


def test_public_value_between_commits_and_reveals(regulators: dict[str, Any]) -> None:
    batch = services.create_batch(regulators["11"], f.plan(("11", "12")))
    ceremony = services.freeze_snapshot(regulators["11"], batch, public_value_source="现场掷骰子")
    with pytest.raises(ValidationError):
        services.enter_public_value(regulators["11"], ceremony, "4 6 1")
    f.committed(ceremony, regulators)
    with pytest.raises(ValidationError, match="公开随机值"):
        services.reveal_seed(regulators["11"], ceremony, f.REVEALS["11"])
    with pytest.raises(PermissionDenied):
        services.enter_public_value(regulators["12"], ceremony, "4 6 1")
    services.enter_public_value(regulators["11"], ceremony, "4 6 1")
    for code, user in regulators.items():
        services.reveal_seed(user, ceremony, f.REVEALS[code])
    ceremony.refresh_from_db()
    assert ceremony.status == CeremonyStatus.COMPLETED and '"public":"4 6 1"' in ceremony.seed_input


def test_redraw_is_a_new_linked_batch_and_the_draw_stays(regulators: dict[str, Any]) -> None:
    batch = f.drawn_batch(regulators)
    manifest = bytes(batch.draw.manifest)
    with pytest.raises(ValidationError, match="原因"):
        services.request_redraw(regulators["11"], batch, " ")
    redraw = services.request_redraw(regulators["11"], batch, "名录数据有误")
    assert redraw.redraw_of == batch and redraw.period == batch.period
    assert set(batch.tasks.values_list("status", flat=True)) == {TaskStatus.SUPERSEDED}
    assert bytes(Draw.objects.get(batch=batch).manifest) == manifest
    with pytest.raises(ValidationError, match="已经重新抽取"):
        services.request_redraw(regulators["11"], batch, "再来一次")
    ceremony = services.freeze_snapshot(regulators["11"], redraw)
    f.committed(ceremony, regulators)
    for code, user in regulators.items():
        services.reveal_seed(user, ceremony, f.REVEALS[code])
    document = json.loads(bytes(Draw.objects.get(batch=redraw).manifest))
    assert document["batch"]["redraw_of"] == batch.code
    assert document["batch"]["redraw_reason"] == "名录数据有误"


def test_excluded_targets_are_listed_but_not_drawn(regulators: dict[str, Any]) -> None:
    closed = factories.institution("11", status="closed")
    batch = f.drawn_batch(regulators)
    assert closed.credit_code.encode() in bytes(batch.targets_csv)
    assert not batch.tasks.filter(target_code=closed.credit_code).exists()


def test_commit_after_the_deadline_fails_the_ceremony(regulators: dict[str, Any]) -> None:
    batch = services.create_batch(regulators["11"], f.plan(("11", "12")))
    ceremony = services.freeze_snapshot(regulators["11"], batch, commit_hours=0)
    ceremony.commit_deadline = timezone.now() - timedelta(seconds=1)
    ceremony.save()
    with pytest.raises(ValidationError, match="截止时间已过"):
        services.commit_seed(regulators["11"], ceremony, commit_for(ceremony.label, "11", "x" * 16))
    ceremony.refresh_from_db()
    assert ceremony.status == CeremonyStatus.FAILED


def test_due_batches_are_created_once(regulators: dict[str, Any]) -> None:
    plan = f.plan(("11",), frequency="monthly")
    today = timezone.localdate()
    created = services.create_due_batches(today)
    assert [b.plan for b in created] == [plan]
    assert created[0].period == f"{today.year}-{today.month:02d}"
    assert services.create_due_batches(today) == []


def test_opening_a_ceremony_tells_each_regions_regulators_their_step(
    regulators: dict[str, Any],
) -> None:
    """Issue 12: a ceremony step waits for each region; their inboxes say so."""
    batch = services.create_batch(regulators["11"], f.plan(("11", "12")))
    ceremony = services.freeze_snapshot(regulators["11"], batch)
    for code in ("11", "12"):
        notice = regulators[code].notices.get()
        assert notice.key == "task.assigned" and notice.params["ref"] == ceremony.label
        assert notice.url == f"/supervision/ceremonies/{ceremony.pk}/commit/"
