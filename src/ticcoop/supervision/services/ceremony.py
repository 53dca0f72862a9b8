"""Snapshot → commit → (public value) → reveal → seed → published draw → tasks.

The seed ceremony follows docs/methods/draw.md §1: the snapshot hash is published before
anyone commits; each participating region's regulator commits ``hash(reveal)`` and later
reveals; the platform checks every reveal against its commit.  A deadline missed is a
recorded failure (the ceremony is kept, marked failed, and a new linked ceremony must be
started); a reveal that does not open its commit is refused and counted publicly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop import events
from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import regulators_of
from ticcoop.methods import digests, manifest_files
from ticcoop.methods import manifest as mf
from ticcoop.methods.feasibility import Feasibility
from ticcoop.methods.manifest import DrawParameters
from ticcoop.methods.seed import CeremonyError, canonical_json, combine_seed, verify_reveal
from ticcoop.notices.services import notify_all
from ticcoop.supervision import feasibility, snapshot
from ticcoop.supervision.deferred import BATCH_FILES, large_columns
from ticcoop.supervision.models import (
    Batch,
    BatchStatus,
    Ceremony,
    CeremonyStatus,
    Commitment,
    Draw,
    RegionRuleChoice,
)
from ticcoop.supervision.services._common import invalid, participant_region_id, require_lead
from ticcoop.supervision.services.tasks import TaskMaker

_HEX64 = re.compile(r"[0-9a-f]{64}")
SIGNING_ISSUER = "platform"
MAX_RELAXATION = 256  # Batch.relaxation


def sign_manifest_fields(fields: Mapping[str, str | int]) -> str:
    """The one place that signs: the platform's key (SM2 or Ed25519) held by the trust app."""
    from ticcoop.trust.services import sign_fields

    return sign_fields(SIGNING_ISSUER, fields)


class _Refused(Exception):
    """The freeze check failed and no relaxation was recorded (message in Chinese)."""


def freeze_snapshot(
    actor: Any,
    batch: Batch,
    *,
    commit_hours: int = 48,
    reveal_hours: int = 48,
    public_value_source: str = "",
    relaxation: str = "",
    relaxed_rule: str = "",
) -> Ceremony:
    """Freeze the inputs, publish their hash and open the first ceremony.

    The freeze check (docs/methods/feasibility.md) runs first: if some draw of these
    inputs could leave a task without a complete team, the batch stays open, the refusal
    is recorded for the regulator and a ValidationError says what is missing — unless a
    ``relaxation`` (a reason, optionally a looser ``relaxed_rule``) is recorded, which is
    published with the draw.
    """
    try:
        return _freeze(
            actor,
            batch,
            commit_hours,
            reveal_hours,
            public_value_source,
            relaxation.strip(),
            relaxed_rule,
        )
    except _Refused as exc:
        _record_refusal(actor, batch, str(exc))
        raise invalid("feasibility", str(exc)) from None


@transaction.atomic
def _record_refusal(actor: Any, batch: Batch, message: str) -> None:
    with audit_as(actor):
        Batch.objects.filter(pk=batch.pk).update(refusal=message, refused_at=timezone.now())
    batch.refusal = message


@transaction.atomic
def _freeze(
    actor: Any,
    batch: Batch,
    commit_hours: int,
    reveal_hours: int,
    public_value_source: str,
    relaxation: str,
    relaxed_rule: str,
) -> Ceremony:
    require_lead(actor, batch.plan)
    batch = Batch.objects.select_for_update().select_related("plan").get(pk=batch.pk)
    if batch.status != BatchStatus.OPEN:
        raise invalid("status", _("该批次的名录已经冻结"))
    if relaxed_rule and relaxed_rule not in RegionRuleChoice.values:
        raise invalid("relaxed_rule", _("未知的检查组地区规则"))
    if len(relaxation) > MAX_RELAXATION:
        raise invalid("relaxation", _("放宽决定最多 %(n)s 个字符") % {"n": MAX_RELAXATION})
    if relaxed_rule and not relaxation:
        raise invalid("relaxation", _("放宽检查组地区规则须填写放宽决定的理由"))
    batch.relaxed_rule = relaxed_rule if relaxation else ""
    targets_csv, inspectors_csv, params, report = _checked_inputs(batch, relaxation)
    try:
        algorithm = settings.TICCOOP_DIGEST_ALGORITHM
        document = mf.snapshot_document(targets_csv, inspectors_csv, params, algorithm)
    except (manifest_files.ManifestInputError, ValueError) as exc:
        raise invalid("plan", str(exc)) from exc
    with audit_as(actor):
        batch.targets_csv, batch.inspectors_csv = targets_csv, inspectors_csv
        batch.snapshot_document = canonical_json(document)
        batch.snapshot_sha256 = digests.digest(algorithm, batch.snapshot_document.encode())
        batch.feasibility = canonical_json(report.as_json())
        if relaxation:
            batch.relaxation, batch.relaxed_by = relaxation, actor
        batch.frozen_at = timezone.now()
        batch.status = BatchStatus.FROZEN
        batch.save()
        return _open_ceremony(batch, None, commit_hours, reveal_hours, public_value_source)


def _checked_inputs(
    batch: Batch, relaxation: str
) -> tuple[bytes, bytes, DrawParameters, Feasibility]:
    """targets.csv, inspectors.csv, the parameters and the freeze check of ``batch``.

    A function of its own so that the target rows (one object per target and item: most of
    a million-institution demo's memory) are released once targets.csv is written, before
    the snapshot document reads it again."""
    rows = list(snapshot.target_rows(batch))
    if not any(not row.excluded for row in rows):
        raise invalid("plan", _("没有可抽取的检查对象"))
    inspectors = snapshot.inspector_rows(batch)
    params = snapshot.parameters(batch, rows)
    try:
        report = feasibility.check(rows, inspectors, params)
    except ValueError as exc:  # a malformed rate or region (DrawInputError): no 5xx
        raise invalid("plan", str(exc)) from exc
    if not report.feasible and not relaxation:
        raise _Refused(feasibility.message(report))
    targets_csv = manifest_files.write_targets_csv(rows)
    return targets_csv, manifest_files.write_inspectors_csv(inspectors), params, report


def _open_ceremony(
    batch: Batch,
    previous: Ceremony | None,
    commit_hours: int,
    reveal_hours: int,
    public_value_source: str,
) -> Ceremony:
    number = (previous.number + 1) if previous else 1
    now = timezone.now()
    ceremony = Ceremony(
        batch=batch,
        number=number,
        label=f"{batch.code}-C{number}",
        commit_deadline=now + timedelta(hours=commit_hours),
        reveal_deadline=now + timedelta(hours=commit_hours + reveal_hours),
        uses_public_value=bool(public_value_source.strip()),
        public_value_source=public_value_source.strip(),
        restart_of=previous,
    )
    ceremony.full_clean()
    ceremony.save()
    # each participating region's regulators have a step to take: commit their seed
    params = {"subject": "ceremony-step", "ref": ceremony.label}
    url = reverse("supervision-commit", args=[ceremony.pk])
    for region_id in batch.plan.regions.values_list("pk", flat=True):
        notify_all(regulators_of(region_id), "task.assigned", params, url=url)
    return ceremony


def _locked(ceremony: Ceremony) -> Ceremony:
    found = Ceremony.objects.select_for_update().select_related("batch__plan")
    return found.defer(*large_columns("batch")).get(pk=ceremony.pk)


def _missing(ceremony: Ceremony, stage: str) -> list[str]:
    regions = set(ceremony.batch.plan.regions.values_list("code", flat=True))
    commitments = ceremony.commitments.select_related("region")
    done = {c.region.code for c in commitments if stage == "commit" or c.revealed_at}
    return sorted(regions - done)


@transaction.atomic
def expire_ceremony(ceremony: Ceremony, now: datetime | None = None) -> bool:
    """Mark the ceremony failed if a deadline passed with a commit or reveal missing."""
    ceremony = _locked(ceremony)
    now = now or timezone.now()
    if ceremony.status == CeremonyStatus.COMMITTING and now > ceremony.commit_deadline:
        stage, label = "commit", _("未按时提交承诺值")
    elif ceremony.status == CeremonyStatus.REVEALING and now > ceremony.reveal_deadline:
        stage, label = "reveal", _("未按时公开随机数")
    else:
        return False
    with audit_as(None):
        ceremony.status = CeremonyStatus.FAILED
        ceremony.failure = f"{label}：{'、'.join(_missing(ceremony, stage))}"
        ceremony.ended_at = now
        ceremony.save(update_fields=["status", "failure", "ended_at"])
    return True


def expire_ceremonies(now: datetime | None = None) -> int:
    open_states = [CeremonyStatus.COMMITTING, CeremonyStatus.REVEALING]
    return sum(expire_ceremony(c, now) for c in Ceremony.objects.filter(status__in=open_states))


@transaction.atomic
def restart_ceremony(
    actor: Any, batch: Batch, *, commit_hours: int = 48, reveal_hours: int = 48
) -> Ceremony:
    """A new ceremony on the same frozen snapshot, linked to the failed one."""
    require_lead(actor, batch.plan)
    previous = batch.ceremonies.order_by("-number").first()
    if previous is None or previous.status != CeremonyStatus.FAILED:
        raise invalid("status", _("只有失败的摇号仪式可以重新开始"))
    with audit_as(actor):
        return _open_ceremony(
            batch, previous, commit_hours, reveal_hours, previous.public_value_source
        )


def _check_open(ceremony: Ceremony, status: str) -> None:
    """Raise if the ceremony is not in ``status`` (expiring it first when a deadline passed)."""
    if expire_ceremony(ceremony):
        raise invalid("status", _("截止时间已过，本次摇号仪式失败，请重新开始"))
    ceremony.refresh_from_db()  # its batch is reloaded on use without its files (deferred.py)
    if ceremony.status != status:
        label = CeremonyStatus(ceremony.status).label
        raise invalid("status", _("摇号仪式当前阶段为“%(s)s”") % {"s": label})


def commit_seed(actor: Any, ceremony: Ceremony, commit: str) -> Commitment:
    _check_open(ceremony, CeremonyStatus.COMMITTING)
    return _commit(actor, ceremony, commit.strip().lower())


@transaction.atomic
def _commit(actor: Any, ceremony: Ceremony, commit: str) -> Commitment:
    ceremony = _locked(ceremony)
    region_id = participant_region_id(actor, ceremony.batch.plan)
    if not _HEX64.fullmatch(commit):
        raise invalid("commit", _("承诺值应为 64 位十六进制 SHA-256"))
    if ceremony.commitments.filter(region_id=region_id).exists():
        raise invalid("commit", _("本地区已经提交承诺值，不能更改"))
    with audit_as(actor):
        record = Commitment(
            ceremony=ceremony, region_id=region_id, commit=commit, committed_by=actor
        )
        record.full_clean()
        record.save()
        if not _missing(ceremony, "commit"):
            ceremony.status = CeremonyStatus.REVEALING
            ceremony.save(update_fields=["status"])
    return record


@transaction.atomic
def enter_public_value(actor: Any, ceremony: Ceremony, value: str) -> Ceremony:
    """The public value (dice, lottery), entered after every commit and before any reveal."""
    ceremony = _locked(ceremony)
    require_lead(actor, ceremony.batch.plan)
    value = value.strip()
    if not ceremony.uses_public_value:
        raise invalid("public_value", _("本次摇号仪式不使用公开随机值"))
    if ceremony.status != CeremonyStatus.REVEALING or ceremony.public_value:
        raise invalid("public_value", _("公开随机值只能在全部承诺值提交后录入一次"))
    if ceremony.commitments.filter(revealed_at__isnull=False).exists() or not value:
        raise invalid("public_value", _("公开随机值必须在任何随机数公开前录入，且不能为空"))
    with audit_as(actor):
        ceremony.public_value = value
        ceremony.save(update_fields=["public_value"])
    return ceremony


def reveal_seed(actor: Any, ceremony: Ceremony, reveal: str) -> Commitment:
    """Check a reveal against its commit; the last valid reveal runs and publishes the draw."""
    _check_open(ceremony, CeremonyStatus.REVEALING)
    if ceremony.uses_public_value and not ceremony.public_value:
        raise invalid("reveal", _("请等待牵头地区录入公开随机值"))
    region_id = participant_region_id(actor, ceremony.batch.plan)
    record = ceremony.commitments.select_related("region").get(region_id=region_id)
    if record.revealed_at is not None:
        raise invalid("reveal", _("本地区已经公开随机数"))
    if not verify_reveal(ceremony.label, record.region.code, reveal, record.commit):
        _count_failed_reveal(actor, record)
        raise invalid("reveal", _("随机数与本地区提交的承诺值不符（已记录）"))
    return _accept_reveal(actor, ceremony, record, reveal)


@transaction.atomic
def _count_failed_reveal(actor: Any, record: Commitment) -> None:
    with audit_as(actor):
        Commitment.objects.filter(pk=record.pk).update(failed_reveals=record.failed_reveals + 1)


@transaction.atomic
def _accept_reveal(actor: Any, ceremony: Ceremony, record: Commitment, reveal: str) -> Commitment:
    ceremony = _locked(ceremony)
    with audit_as(actor):
        record.reveal, record.revealed_at = reveal, timezone.now()
        record.save(update_fields=["reveal", "revealed_at"])
        if not _missing(ceremony, "reveal"):
            _complete(actor, ceremony)
    return record


def _complete(actor: Any, ceremony: Ceremony) -> None:
    commitments = list(ceremony.commitments.select_related("region"))
    commits = {c.region.code: c.commit for c in commitments}
    reveals = {c.region.code: c.reveal for c in commitments}
    batch = ceremony.batch
    try:
        result = combine_seed(
            ceremony.label,
            batch.snapshot_sha256,
            commits,
            reveals,
            public_value=ceremony.public_value or None,
        )
    except CeremonyError as exc:  # pragma: no cover - every reveal was checked on entry
        raise invalid("reveal", str(exc)) from exc
    ceremony.seed, ceremony.seed_input = result.seed, result.seed_input
    ceremony.status, ceremony.ended_at = CeremonyStatus.COMPLETED, timezone.now()
    ceremony.save(update_fields=["seed", "seed_input", "status", "ended_at"])
    record = mf.CeremonyRecord(ceremony.label, commits, reveals, ceremony.public_value or None)
    _publish_draw(actor, batch, ceremony, record)


def batch_document(batch: Batch) -> dict[str, Any]:
    plan = batch.plan
    failed = batch.ceremonies.filter(status=CeremonyStatus.FAILED).order_by("number")
    return {
        "id": batch.code,
        "plan": plan.title,
        "year": plan.year,
        "period": batch.period,
        "lead_region": plan.region.code,
        "regions": sorted(plan.regions.values_list("code", flat=True)),
        "redraw_of": batch.redraw_of.code if batch.redraw_of else None,
        "redraw_reason": batch.redraw_reason,
        "failed_ceremonies": [{"id": c.label, "failure": c.failure} for c in failed],
        "feasibility": json.loads(batch.feasibility) if batch.feasibility else None,
        "relaxation": {"reason": batch.relaxation, "region_rule": batch.region_rule}
        if batch.relaxation
        else None,
    }


def _publish_draw(actor: Any, batch: Batch, ceremony: Ceremony, record: mf.CeremonyRecord) -> Draw:
    params = mf.parameters_of(json.loads(batch.snapshot_document))
    algorithm = digests.algorithm_of(batch.snapshot_sha256)  # the one the batch was frozen with
    # read here, not kept on the batch (its files are deferred): one copy while the draw runs
    stored_targets, inspectors_csv = Batch.objects.values_list(*BATCH_FILES).get(pk=batch.pk)
    targets_csv = bytes(stored_targets)  # also names the tasks' targets
    del stored_targets
    manifest = mf.build_manifest(
        batch=batch_document(batch),
        targets_csv=targets_csv,
        inspectors_csv=bytes(inspectors_csv),
        params=params,
        ceremony=record,
        digest_algorithm=algorithm,
    )
    data = mf.serialise_manifest(mf.sign_manifest(manifest, sign_manifest_fields))
    draw = Draw(
        batch=batch,
        ceremony=ceremony,
        manifest=data,
        manifest_sha256=digests.digest(algorithm, data),
        published_at=timezone.now(),
    )
    draw.save()
    events.record("draws", draw, type="draw.published")
    _create_tasks(actor, batch, manifest, targets_csv)
    batch.status = BatchStatus.DRAWN
    batch.save(update_fields=["status"])
    return draw


def _create_tasks(
    actor: Any, batch: Batch, manifest: Mapping[str, Any], targets_csv: bytes
) -> None:
    """One task per drawn target (all its drawn items), with its team or unstaffed reason."""
    items: dict[str, list[str]] = {}
    for stratum in manifest["strata"]:
        for drawn in stratum["drawn"]:
            items.setdefault(drawn["id"], []).append(stratum["item"])
    maker = TaskMaker(batch, list(items), targets_csv)
    teams = manifest["teams"]
    maker.create_many(
        actor,
        [(e["target"], items[e["target"]], e["members"], "") for e in teams["assigned"]]
        + [
            (e["target"], items[e["target"]], e["partial"], e["detail"]) for e in teams["unstaffed"]
        ],
    )
