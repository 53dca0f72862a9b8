"""Helpers shared by the supervision services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import can_write_region, region_id_of_user
from ticcoop.supervision.models import InspectionPlan


def require_lead(actor: Any, plan: InspectionPlan) -> None:
    """Only the lead region's regulator manages a plan and its batches."""
    if not can_write_region(actor, plan.region_id):
        raise PermissionDenied(_("只有牵头地区的监管部门可以操作本计划"))


def participant_region_id(actor: Any, plan: InspectionPlan) -> int:
    """The actor's region, if it participates in ``plan`` and the actor may act for it."""
    region_id = region_id_of_user(actor)
    if region_id is None or not can_write_region(actor, region_id):
        raise PermissionDenied(_("只有参与地区的监管部门可以提交承诺值或随机数"))
    if not plan.regions.filter(pk=region_id).exists():
        raise PermissionDenied(_("本地区不是该计划的参与地区"))
    return region_id


def invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})
