"""Reads of the supervision app: lists for pages/API and the overdue list."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import can_write_region, has_role, region_id_of_user
from ticcoop.accounts.roles import Role
from ticcoop.registry.models import Expert
from ticcoop.supervision.deferred import large_columns
from ticcoop.supervision.models import (
    Batch,
    BatchStatus,
    Draw,
    InspectionPlan,
    PlanStatus,
    Task,
    TaskResult,
    TaskStatus,
)


def overdue_results(region_id: int | None, today: date | None = None) -> QuerySet[TaskResult]:
    """Latest result versions not published by their deadline (for the responsible region)."""
    today = today or timezone.localdate()
    newer = TaskResult.objects.filter(task=OuterRef("task"), version__gt=OuterRef("version"))
    results = TaskResult.objects.filter(
        published_at__isnull=True, publication_deadline__lt=today
    ).exclude(task__status__in=[TaskStatus.SUPERSEDED, TaskStatus.REPLACED])
    if region_id is not None:
        results = results.filter(task__region_id=region_id)
    found = results.filter(~Exists(newer)).select_related("task", "task__batch__plan")
    return found.defer(*large_columns("task__batch"))


def published_plans() -> QuerySet[InspectionPlan]:
    return InspectionPlan.objects.filter(status=PlanStatus.PUBLISHED).select_related("region")


def published_draws() -> QuerySet[Draw]:
    draws = Draw.objects.select_related("batch__plan__region", "ceremony")
    return draws.defer(*large_columns("batch")).order_by("-published_at")


def public_batches() -> QuerySet[Batch]:
    """Batches whose snapshot hash is public (frozen or drawn)."""
    return (
        Batch.objects.exclude(status=BatchStatus.OPEN)
        .select_related("plan__region", "redraw_of")
        .defer(*large_columns("redraw_of"))
        .order_by("-frozen_at")
    )


def published_results() -> QuerySet[TaskResult]:
    return (
        TaskResult.objects.filter(published_at__isnull=False)
        .select_related("task__batch__plan", "task__region")
        .defer(*large_columns("task__batch"))
        .order_by("-published_at", "-pk")
    )


def replacement_tasks(batch: Batch) -> QuerySet[Task]:
    """Tasks created by 递补, in log order (with the voided task and the team)."""
    return (
        Task.objects.filter(batch=batch, replaces__isnull=False)
        .select_related("replaces")
        .prefetch_related("team")
        .order_by("replacement_no", "target_code")
    )


# -- pages of the regulators' workbench ------------------------------------------------


def sees_everything(user: Any) -> bool:
    return bool(user.is_superuser) or has_role(user, Role.NATIONAL_OBSERVER)


def is_regulator(user: Any) -> bool:
    return has_role(user, Role.REGULATOR) and region_id_of_user(user) is not None


def inspector_of(user: Any) -> Expert | None:
    """The inspector record linked to the login (``registry.Expert.user``)."""
    if not user.is_authenticated:
        return None
    return Expert.objects.filter(user=user, is_inspector=True).first()


def access_workbench(user: Any) -> None:
    """Regulators, observers, superusers and linked inspectors may open the workbench."""
    if sees_everything(user) or is_regulator(user) or inspector_of(user) is not None:
        return
    raise PermissionDenied(_("只有监管人员和执法检查人员可以使用监管工作台"))


def plans_for(user: Any) -> QuerySet[InspectionPlan]:
    """The user's region's plans and the joint plans it takes part in (all for observers)."""
    plans = InspectionPlan.objects.select_related("region").order_by("-year", "title")
    if sees_everything(user):
        return plans
    region_id = region_id_of_user(user)
    if not is_regulator(user) or region_id is None:
        return plans.none()
    return plans.filter(Q(region_id=region_id) | Q(regions__id=region_id)).distinct()


def pending_batches(user: Any) -> QuerySet[Batch]:
    """Batches of the user's plans still waiting for the directory freeze or the draw."""
    return (
        Batch.objects.filter(
            plan__in=plans_for(user).values("pk"),
            status__in=[BatchStatus.OPEN, BatchStatus.FROZEN],
        )
        .select_related("plan__region")
        .order_by("due_on", "pk")
    )


def access_plan(user: Any, plan: InspectionPlan) -> None:
    if not plans_for(user).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("本地区没有参与该计划"))


def tasks_for(user: Any) -> QuerySet[Task]:
    """Tasks the user works on: their region's (regulator), their team's (inspector)."""
    tasks = (
        Task.objects.select_related("batch__plan", "region")
        .defer(*large_columns("batch"))
        .order_by("-batch_id", "target_code")
    )
    if sees_everything(user):
        return tasks
    mine = Q(team__expert__user=user)
    region_id = region_id_of_user(user)
    if is_regulator(user):
        mine |= Q(region_id=region_id)
    return tasks.filter(mine).distinct()


def access_task(user: Any, task: Task) -> None:
    if not tasks_for(user).filter(pk=task.pk).exists():
        raise PermissionDenied(_("无权查看该检查任务"))


def may_manage_task(user: Any, task: Task) -> bool:
    return can_write_region(user, task.region_id)


def search_inspectors(query: str = "", region: str = "", specialty: str = "") -> QuerySet[Expert]:
    experts = Expert.objects.filter(is_inspector=True).select_related("region", "availability")
    if query:
        experts = experts.filter(
            Q(name__icontains=query) | Q(enforcement_certificate_no__icontains=query)
        )
    if region:
        experts = experts.filter(region__code=region)
    if specialty:
        experts = experts.filter(specialties__icontains=specialty)
    return experts.order_by("region__code", "name", "pk")


CLOSED_TASKS = (TaskStatus.DONE, TaskStatus.SUPERSEDED, TaskStatus.REPLACED)
TASK_STATUS_CHOICES = TaskStatus.choices
