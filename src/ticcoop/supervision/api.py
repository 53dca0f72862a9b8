# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.security import django_auth

from ticcoop.accounts.queries import region_id_of_user
from ticcoop.supervision import queries, services
from ticcoop.supervision.models import Batch, Ceremony, InspectionPlan, Task, TaskResult
from ticcoop.supervision.schemas import (
    BatchOut,
    CeremonyOut,
    CommitIn,
    PublicValueIn,
    RedrawIn,
    ReplaceIn,
    ReplacementOut,
    RevealIn,
    TaskOut,
    TaskResultIn,
    TaskResultOut,
)
from ticcoop.supervision.snapshot import inspector_id

router = Router(tags=["supervision"])


@router.get("/batches", response=list[BatchOut])
def batches(request: HttpRequest) -> Any:
    return list(Batch.objects.select_related("plan")[:200])


@router.post("/plans/{pk}/batches", response={201: BatchOut}, auth=django_auth)
def open_batch(request: HttpRequest, pk: int) -> Any:
    plan = get_object_or_404(InspectionPlan, pk=pk)
    return Status(201, services.create_batch(request.user, plan))


@router.post("/batches/{pk}/freeze", response={201: CeremonyOut}, auth=django_auth)
def freeze(request: HttpRequest, pk: int) -> Any:
    """Freeze the input snapshot (its hash becomes public) and open the seed ceremony."""
    batch = get_object_or_404(Batch, pk=pk)
    return Status(201, services.freeze_snapshot(request.user, batch))


@router.post("/batches/{pk}/restart", response={201: CeremonyOut}, auth=django_auth)
def restart(request: HttpRequest, pk: int) -> Any:
    return Status(201, services.restart_ceremony(request.user, get_object_or_404(Batch, pk=pk)))


@router.post("/batches/{pk}/redraw", response={201: BatchOut}, auth=django_auth)
def redraw(request: HttpRequest, pk: int, data: RedrawIn) -> Any:
    batch = get_object_or_404(Batch, pk=pk)
    return Status(201, services.request_redraw(request.user, batch, data.reason))


@router.get("/ceremonies/{pk}", response=CeremonyOut)
def ceremony(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(Ceremony, pk=pk)


@router.post("/ceremonies/{pk}/commit", response=CeremonyOut, auth=django_auth)
def commit(request: HttpRequest, pk: int, data: CommitIn) -> Any:
    record = get_object_or_404(Ceremony, pk=pk)
    services.commit_seed(request.user, record, data.commit)
    record.refresh_from_db()
    return record


@router.post("/ceremonies/{pk}/public-value", response=CeremonyOut, auth=django_auth)
def public_value(request: HttpRequest, pk: int, data: PublicValueIn) -> Any:
    record = get_object_or_404(Ceremony, pk=pk)
    return services.enter_public_value(request.user, record, data.value)


@router.post("/ceremonies/{pk}/reveal", response=CeremonyOut, auth=django_auth)
def reveal(request: HttpRequest, pk: int, data: RevealIn) -> Any:
    """Reveal; the last valid reveal computes the seed and publishes the draw."""
    record = get_object_or_404(Ceremony, pk=pk)
    services.reveal_seed(request.user, record, data.reveal)
    record.refresh_from_db()
    return record


@router.get("/batches/{pk}/tasks", response=list[TaskOut])
def tasks(request: HttpRequest, pk: int) -> Any:
    return list(Task.objects.filter(batch_id=pk))


@router.post("/tasks/{pk}/replace", response={201: list[TaskOut]}, auth=django_auth)
def replace(request: HttpRequest, pk: int, data: ReplaceIn) -> Any:
    """递补: void the task and take the next target of its stratum's published list."""
    task = get_object_or_404(Task, pk=pk)
    return Status(201, services.replace_target(request.user, task, data.reason))


@router.get("/batches/{pk}/replacements", response=list[ReplacementOut])
def replacements(request: HttpRequest, pk: int) -> Any:
    """The published 递补 log, in order: replay it with methods.replacements.replay."""
    batch = get_object_or_404(Batch, pk=pk)
    return [
        {
            "number": task.replacement_no,
            "voided": task.replaces.target_code if task.replaces else "",
            "reason": task.replacement_reason,
            "target": task.target_code,
            "items": task.items.split(";"),
            "status": task.status,
            "members": sorted(inspector_id(m.expert_id) for m in task.team.all()),
        }
        for task in queries.replacement_tasks(batch)
    ]


@router.post("/tasks/{pk}/results", response={201: TaskResultOut}, auth=django_auth)
def record_result(request: HttpRequest, pk: int, data: TaskResultIn) -> Any:
    task = get_object_or_404(Task, pk=pk)
    return Status(201, services.record_result(request.user, task, **data.dict()))


@router.post("/results/{pk}/publish", response=TaskResultOut, auth=django_auth)
def publish_result(request: HttpRequest, pk: int) -> Any:
    return services.publish_result(request.user, get_object_or_404(TaskResult, pk=pk))


@router.get("/overdue", response=list[TaskResultOut], auth=django_auth)
def overdue(request: HttpRequest) -> Any:
    """Results past their publication deadline, for the caller's region."""
    return list(queries.overdue_results(region_id_of_user(request.user)))
