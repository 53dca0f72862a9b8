"""Writes on the action plan: items (with a known metric) and milestone completion."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import access_record_change, can_write_region
from ticcoop.inspections.metrics import METRICS
from ticcoop.inspections.models import ActionItem, ActionPlan, Milestone
from ticcoop.regions.models import Region


@transaction.atomic
def save_action_plan(actor: Any, plan: ActionPlan) -> ActionPlan:
    access_record_change(actor, plan)
    plan.full_clean()
    with audit_as(actor):
        plan.save()
    return plan


@transaction.atomic
def save_action_item(
    actor: Any, item: ActionItem, co_owners: Iterable[Region] | None = None
) -> ActionItem:
    """Create or change an item: its lead region's regulators; the metric must be known."""
    access_record_change(actor, item)
    if item.metric and item.metric not in METRICS:
        raise ValidationError(
            {
                "metric": _("未知的进度指标 %(key)s；可选：%(keys)s")
                % {"key": item.metric, "keys": "、".join(METRICS)}
            }
        )
    if item.metric and METRICS[item.metric].kind == "count" and not item.target:
        raise ValidationError({"target": _("计数类指标需要填写目标值")})
    item.full_clean()
    with audit_as(actor):
        item.save()
        if co_owners is not None:
            item.co_owners.set([r for r in co_owners if r.pk != item.lead_region_id])
    return item


def may_update_item(user: Any, item: ActionItem) -> bool:
    region_ids = {item.lead_region_id, *item.co_owners.values_list("pk", flat=True)}
    return any(can_write_region(user, region_id) for region_id in region_ids)


@transaction.atomic
def complete_milestone(actor: Any, milestone: Milestone, done_on: date | None = None) -> Milestone:
    """A regulator of the item's lead or co-owning regions confirms a milestone."""
    if not may_update_item(actor, milestone.item):
        raise PermissionDenied(_("只有牵头或配合地区的监管人员可以确认任务节点"))
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_on is not None:
        raise ValidationError(_("该节点已于 %(day)s 完成") % {"day": milestone.done_on})
    day = done_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"done_on": _("完成日期不能晚于今天")})
    with audit_as(actor):
        milestone.done_on = day
        milestone.done_by = actor
        milestone.save()
    return milestone
