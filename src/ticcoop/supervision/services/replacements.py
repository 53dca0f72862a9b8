"""递补: replace a drawn target that cannot be inspected by the next published replacement.

The choice and the team follow :mod:`ticcoop.methods.replacements` (documented in
docs/methods/manifest.md §7): the service replays the batch's whole replacement log plus the
new entry from the published files, so what it stores is exactly what anyone re-checking the
published log recomputes.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import access_region_write
from ticcoop.methods.replacements import ReplacementError, Step, replay
from ticcoop.supervision.models import Batch, BatchStatus, Task, TaskStatus
from ticcoop.supervision.services._common import invalid
from ticcoop.supervision.services.tasks import TaskMaker

REPLACEABLE = (TaskStatus.ASSIGNED, TaskStatus.UNSTAFFED)


def replacement_log(batch: Batch) -> list[str]:
    """Voided target codes in replacement order (the published 递补 log)."""
    rows = (
        Task.objects.filter(batch=batch, replaces__isnull=False)
        .order_by("replacement_no")
        .values_list("replacement_no", "replaces__target_code")
    )
    return [code for _, code in dict(rows).items()]


def replay_batch(batch: Batch, log: list[str]) -> list[Step]:
    manifest = json.loads(bytes(batch.draw.manifest))
    return replay(manifest, bytes(batch.targets_csv), bytes(batch.inspectors_csv), log)


def _members(step: Step) -> tuple[list[dict[str, Any]], str]:
    assignment = step.assignment
    if assignment.teams:
        members, reason = assignment.teams[0].members, ""
    else:
        short = assignment.unstaffed[0]
        members, reason = short.partial, short.detail
    return [{"inspector": m.inspector, "stage": m.stage, "rank": m.rank} for m in members], reason


@transaction.atomic
def replace_target(actor: Any, task: Task, reason: str) -> list[Task]:
    """Void ``task`` and create its replacement task(s) from the published replacement lists.

    One new task per stratum the target was drawn in (usually one); refused, with nothing
    changed, when a list is exhausted.
    """
    access_region_write(actor, task)
    reason = reason.strip()
    if not reason:
        raise invalid("reason", _("递补必须说明原因（如未找到检查对象、已注销）"))
    batch = Batch.objects.select_for_update().select_related("plan").get(pk=task.batch_id)
    task = Task.objects.get(pk=task.pk)
    if batch.status != BatchStatus.DRAWN:
        raise invalid("task", _("该批次没有有效的抽取结果"))
    if task.status not in REPLACEABLE:
        label = TaskStatus(task.status).label
        raise invalid("task", _("当前状态为“%(s)s”的任务不能递补") % {"s": label})
    if task.results.filter(published_at__isnull=False).exists():
        raise invalid("task", _("已公示检查结果的任务不能递补"))
    log = [*replacement_log(batch), task.target_code]
    try:
        steps = [s for s in replay_batch(batch, log) if s.number == len(log)]
    except ReplacementError as exc:
        raise invalid(
            "task", _("递补名单已用完（分层 %(s)s），不能递补") % {"s": exc.stratum or str(exc)}
        ) from exc
    maker = TaskMaker(batch, [step.target for step in steps], bytes(batch.targets_csv))
    with audit_as(actor):
        task.status = TaskStatus.REPLACED
        task.save(update_fields=["status"])
        created = []
        for step in steps:
            members, unstaffed = _members(step)
            created.append(
                maker.create(
                    step.target,
                    list(step.items),
                    members,
                    unstaffed,
                    replaces=task,
                    replacement_no=step.number,
                    replacement_reason=reason[:256],
                )
            )
    return created
