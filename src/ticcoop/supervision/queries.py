"""Reads of the supervision app: lists for pages/API and the overdue list."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from ticcoop.supervision.models import (
    Batch,
    BatchStatus,
    Draw,
    InspectionPlan,
    PlanStatus,
    TaskResult,
    TaskStatus,
)


def overdue_results(region_id: int | None, today: date | None = None) -> QuerySet[TaskResult]:
    """Latest result versions not published by their deadline (for the responsible region)."""
    today = today or timezone.localdate()
    newer = TaskResult.objects.filter(task=OuterRef("task"), version__gt=OuterRef("version"))
    results = TaskResult.objects.filter(
        published_at__isnull=True, publication_deadline__lt=today
    ).exclude(task__status=TaskStatus.SUPERSEDED)
    if region_id is not None:
        results = results.filter(task__region_id=region_id)
    return results.filter(~Exists(newer)).select_related("task", "task__batch__plan")


def published_plans() -> QuerySet[InspectionPlan]:
    return InspectionPlan.objects.filter(status=PlanStatus.PUBLISHED).select_related("region")


def published_draws() -> QuerySet[Draw]:
    return Draw.objects.select_related("batch__plan__region", "ceremony").order_by("-published_at")


def public_batches() -> QuerySet[Batch]:
    """Batches whose snapshot hash is public (frozen or drawn)."""
    return (
        Batch.objects.exclude(status=BatchStatus.OPEN)
        .select_related("plan__region", "redraw_of")
        .order_by("-frozen_at")
    )


def published_results() -> QuerySet[TaskResult]:
    return (
        TaskResult.objects.filter(published_at__isnull=False)
        .select_related("task__batch__plan", "task__region")
        .order_by("-published_at", "-pk")
    )
