"""Workbench home, plans, batches and the draw result."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticcoop.accounts.queries import can_write_region, region_id_of_user
from ticcoop.pages import paginate, run
from ticcoop.supervision import queries, services
from ticcoop.supervision.deferred import large_columns
from ticcoop.supervision.models import (
    Batch,
    BatchStatus,
    CeremonyStatus,
    InspectionPlan,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    queries.access_workbench(request.user)
    region_id = region_id_of_user(request.user)
    context = {
        "plans": queries.plans_for(request.user)[:5],
        "pending_batches": queries.pending_batches(request.user)[:10],
        "tasks": queries.tasks_for(request.user).exclude(status__in=queries.CLOSED_TASKS)[:10],
        "overdue": queries.overdue_results(region_id).count() if region_id else 0,
        "inspector": queries.inspector_of(request.user),
    }
    return render(request, "supervision/home.html", context)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    queries.access_workbench(request.user)
    plans = queries.plans_for(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        plans = plans.filter(Q(title__icontains=query) | Q(region__name_zh__icontains=query))
    if (year := request.GET.get("year", "")).isdigit():
        plans = plans.filter(year=int(year))
    context = {"page": paginate(request, plans), "q": query, "year": year}
    return render(request, "supervision/plan_list.html", context)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(InspectionPlan.objects.select_related("region"), pk=pk)
    queries.access_plan(request.user, plan)
    context = {
        "plan": plan,
        "regions": plan.regions.order_by("code"),
        "items": plan.items.order_by("number"),
        "batches": plan.batches.select_related("redraw_of")
        .defer(*large_columns("redraw_of"))
        .order_by("-due_on", "-pk"),
        "is_lead": can_write_region(request.user, plan.region_id),
    }
    return render(request, "supervision/plan_detail.html", context)


@login_required
@require_POST
def open_batch(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(InspectionPlan, pk=pk)
    action = lambda: services.create_batch(request.user, plan)  # noqa: E731
    return run(request, action, _("开始本期抽查批次"), "supervision-plan", plan.pk)


def _batch(request: HttpRequest, pk: int) -> Batch:
    batch = get_object_or_404(
        Batch.objects.select_related("plan__region", "redraw_of").defer(
            *large_columns("redraw_of")
        ),
        pk=pk,
    )
    queries.access_plan(request.user, batch.plan)
    return batch


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    ceremonies = batch.ceremonies.prefetch_related("commitments__region").order_by("number")
    current = ceremonies.last()
    region_id = region_id_of_user(request.user)
    context = {
        "batch": batch,
        "plan": batch.plan,
        "ceremonies": ceremonies,
        "current": current,
        "is_lead": can_write_region(request.user, batch.plan.region_id),
        "participant": region_id is not None
        and can_write_region(request.user, region_id)
        and batch.plan.regions.filter(pk=region_id).exists(),
        "mine": current.commitments.filter(region_id=region_id).first()
        if current and region_id
        else None,
        "draw": getattr(batch, "draw", None),
        "statuses": {"open": BatchStatus.OPEN, "drawn": BatchStatus.DRAWN},
        "steps": CeremonyStatus,
        "redrawn_by": getattr(batch, "redrawn_by", None),
        "now": timezone.now(),
    }
    return render(request, "supervision/batch_detail.html", context)


@login_required
def batch_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    """The draw result: tasks and teams (with 递补 links), searchable and paginated."""
    batch = _batch(request, pk)
    tasks = batch.tasks.select_related("region", "replaces").prefetch_related("team__expert")
    query = request.GET.get("q", "").strip()
    if query:
        tasks = tasks.filter(Q(target_name__icontains=query) | Q(target_code__icontains=query))
    if status := request.GET.get("status", ""):
        tasks = tasks.filter(status=status)
    context = {
        "batch": batch,
        "draw": getattr(batch, "draw", None),
        "page": paginate(request, tasks.order_by("target_code"), 50),
        "q": query,
        "status": status,
        "statuses": queries.TASK_STATUS_CHOICES,
    }
    return render(request, "supervision/batch_tasks.html", context)
