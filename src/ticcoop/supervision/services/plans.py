"""Writes on plans and batches: publication, 常态化 batch schedule, redraws."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import access_record_change
from ticcoop.regions.models import Region
from ticcoop.supervision.models import (
    Batch,
    BatchStatus,
    Frequency,
    InspectionItem,
    InspectionPlan,
    PlanStatus,
    Task,
    TaskStatus,
)
from ticcoop.supervision.services._common import invalid, require_lead


@transaction.atomic
def save_plan(
    actor: Any,
    plan: InspectionPlan,
    *,
    regions: Iterable[Region] | None = None,
    items: Iterable[InspectionItem] | None = None,
) -> InspectionPlan:
    """Create or change a draft plan; the lead region always participates."""
    access_record_change(actor, plan)
    if plan.pk is not None and InspectionPlan.objects.get(pk=plan.pk).status != PlanStatus.DRAFT:
        raise invalid("status", _("已公示的计划不能修改"))
    plan.status = PlanStatus.DRAFT
    plan.full_clean()
    with audit_as(actor):
        plan.save()
        if regions is not None:
            plan.regions.set({*regions, plan.region})
        elif not plan.regions.exists():
            plan.regions.set([plan.region])
        if items is not None:
            plan.items.set(list(items))
    return plan


@transaction.atomic
def publish_plan(actor: Any, plan: InspectionPlan) -> InspectionPlan:
    require_lead(actor, plan)
    if plan.status != PlanStatus.DRAFT:
        raise invalid("status", _("该计划已经公示"))
    items = list(plan.items.all())
    if not items:
        raise invalid("items", _("计划至少包含一个抽查事项"))
    unpublished = [item.number for item in items if item.published_at is None]
    if unpublished:
        raise invalid("items", _("抽查事项尚未公示：%(n)s") % {"n": "、".join(unpublished)})
    with audit_as(actor):
        plan.status = PlanStatus.PUBLISHED
        plan.published_at = timezone.now()
        plan.save(update_fields=["status", "published_at"])
    return plan


def period_of(plan: InspectionPlan, day: date) -> tuple[str, date]:
    """The batch period containing ``day`` and the date its batch is due."""
    if plan.frequency == Frequency.MONTHLY:
        return f"{day.year}-{day.month:02d}", day.replace(day=1)
    if plan.frequency == Frequency.QUARTERLY:
        quarter = (day.month - 1) // 3
        return f"{day.year}Q{quarter + 1}", date(day.year, quarter * 3 + 1, 1)
    return str(plan.year), plan.starts_on


def _new_batch(plan: InspectionPlan, period: str, due_on: date) -> Batch:
    batch = Batch(plan=plan, period=period, due_on=max(due_on, plan.starts_on))
    batch.full_clean()
    batch.save()
    return batch


@transaction.atomic
def create_batch(actor: Any, plan: InspectionPlan, day: date | None = None) -> Batch:
    """Open the batch of the period containing ``day`` (default today)."""
    require_lead(actor, plan)
    if plan.status != PlanStatus.PUBLISHED:
        raise invalid("plan", _("计划公示后才能开始抽查批次"))
    period, due_on = period_of(plan, day or timezone.localdate())
    if plan.batches.filter(period=period, redraw_of__isnull=True).exists():
        raise invalid("period", _("批次 %(p)s 已经存在") % {"p": period})
    with audit_as(actor):
        return _new_batch(plan, period, due_on)


@transaction.atomic
def create_due_batches(today: date | None = None) -> list[Batch]:
    """常态化: open every published plan's batch that is due and does not exist yet."""
    today = today or timezone.localdate()
    created = []
    plans = InspectionPlan.objects.filter(
        status=PlanStatus.PUBLISHED, year=today.year, starts_on__lte=today
    )
    for plan in plans:
        period, due_on = period_of(plan, today)
        if not plan.batches.filter(period=period, redraw_of__isnull=True).exists():
            with audit_as(None):
                created.append(_new_batch(plan, period, due_on))
    return created


@transaction.atomic
def request_redraw(actor: Any, batch: Batch, reason: str) -> Batch:
    """A new batch linked to a published draw; the old draw stays published, its tasks void."""
    require_lead(actor, batch.plan)
    reason = reason.strip()
    if not reason:
        raise invalid("redraw_reason", _("重新抽取必须说明原因"))
    if batch.status != BatchStatus.DRAWN:
        raise invalid("status", _("只有已公示的抽取结果可以重新抽取"))
    if Batch.objects.filter(redraw_of=batch).exists():
        raise invalid("redraw_of", _("该批次已经重新抽取过"))
    tasks = Task.objects.filter(batch=batch)
    if tasks.filter(results__published_at__isnull=False).exists():
        raise invalid("status", _("已有检查结果公示，不能重新抽取"))
    with audit_as(actor):
        redraw = Batch(
            plan=batch.plan,
            period=batch.period,
            due_on=timezone.localdate(),
            redraw_of=batch,
            redraw_reason=reason,
        )
        redraw.full_clean(validate_constraints=False)
        redraw.save()
        for task in tasks:
            task.status = TaskStatus.SUPERSEDED
            task.save(update_fields=["status"])
    return redraw
