"""递补: the next published replacement, a reproducible team, refusal when exhausted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from ticcoop.methods.replacements import ReplacementError, check_log, replay
from ticcoop.supervision import services
from ticcoop.supervision.models import Batch, Task, TaskStatus
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def regulators() -> dict[str, Any]:
    f.population()
    return {"11": factories.regulator("11"), "12": factories.regulator("12")}


def _stratum_of(batch: Batch, code: str) -> dict[str, Any]:
    manifest = json.loads(bytes(batch.draw.manifest))
    return next(s for s in manifest["strata"] if code in {d["id"] for d in s["drawn"]})


def _live(batch: Batch, region: str) -> Task:
    task = batch.tasks.filter(region__code=region, replaces__isnull=True).first()
    assert task is not None
    return task


def test_replacement_takes_the_next_published_entry_and_replays(
    regulators: dict[str, Any],
) -> None:
    batch = f.drawn_batch(regulators)
    task = _live(batch, "11")
    listed = [e["id"] for e in _stratum_of(batch, task.target_code)["replacements"]]
    (new,) = services.replace_target(regulators["11"], task, "未找到检查对象")
    task.refresh_from_db()
    assert task.status == TaskStatus.REPLACED
    assert new.target_code == listed[0] and new.replaces == task
    assert new.replacement_reason == "未找到检查对象" and new.replacement_no == 1
    assert new.items == task.items and new.region == task.region
    # The team is what anyone recomputes from the published files and the log.
    manifest = json.loads(bytes(batch.draw.manifest))
    (step,) = replay(
        manifest, bytes(batch.targets_csv), bytes(batch.inspectors_csv), [task.target_code]
    )
    expected = [m.inspector for t in step.assignment.teams for m in t.members]
    got = [f"INS-{pk:06d}" for pk in new.team.values_list("expert_id", flat=True)]
    assert sorted(got) == sorted(expected) and len(got) == 2
    # A replacement can itself be replaced: the list's second entry.
    (second,) = services.replace_target(regulators["11"], new, "已注销")
    assert second.target_code == listed[1] and second.replacement_no == 2


def test_exhausted_list_is_refused_and_nothing_changes(regulators: dict[str, Any]) -> None:
    batch = f.drawn_batch(regulators)
    task = _live(batch, "12")
    for reason in ("未找到", "已注销"):
        (task,) = services.replace_target(regulators["12"], task, reason)
    count = Task.objects.count()
    with pytest.raises(ValidationError, match="递补名单已用完"):
        services.replace_target(regulators["12"], task, "又找不到")
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED and Task.objects.count() == count


def test_replacement_rules(regulators: dict[str, Any]) -> None:
    batch = f.drawn_batch(regulators)
    task = _live(batch, "11")
    with pytest.raises(PermissionDenied):
        services.replace_target(regulators["12"], task, "未找到")
    with pytest.raises(ValidationError, match="原因"):
        services.replace_target(regulators["11"], task, "  ")
    services.replace_target(regulators["11"], task, "未找到")
    with pytest.raises(ValidationError, match="不能递补"):
        services.replace_target(regulators["11"], task, "再次")


def test_replay_refuses_an_unknown_voided_id(regulators: dict[str, Any]) -> None:
    batch = f.drawn_batch(regulators)
    manifest = json.loads(bytes(batch.draw.manifest))
    with pytest.raises(ReplacementError, match="no live task"):
        replay(manifest, bytes(batch.targets_csv), bytes(batch.inspectors_csv), ["NOPE"])


def test_replacement_page_and_api(regulators: dict[str, Any]) -> None:
    batch = f.drawn_batch(regulators)
    task = _live(batch, "11")
    client = Client()
    client.force_login(regulators["11"])
    page = client.get(f"/supervision/tasks/{task.pk}/replace/")
    assert page.status_code == 200 and "递补" in page.content.decode()
    response = client.post(f"/supervision/tasks/{task.pk}/replace/", {"reason": "未找到检查对象"})
    new = Task.objects.get(replaces=task)
    assert response.status_code == 302 and response["Location"].endswith(f"/tasks/{new.pk}/")
    api = Client()
    api.force_login(regulators["11"])
    body = {"reason": "已注销"}
    answer = api.post(
        f"/api/supervision/tasks/{new.pk}/replace", body, content_type="application/json"
    )
    assert answer.status_code == 201 and answer.json()[0]["replaces_id"] == new.pk
    log = Client().get(f"/api/supervision/batches/{batch.pk}/replacements").json()
    assert [e["voided"] for e in log] == [task.target_code, new.target_code]
    # The published log re-checks from the published files alone (manifest.md §7).
    files = (bytes(batch.targets_csv), bytes(batch.inspectors_csv))
    manifest = json.loads(bytes(batch.draw.manifest))
    assert check_log(manifest, *files, log) == []
    log[1]["members"] = ["INS-999999", *log[1]["members"][1:]]
    assert "log entry 2" in check_log(manifest, *files, log)[0]
