"""The job page (live progress, result, error, re-run), its polled status, the user's jobs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ticcoop.jobs import queries, services
from ticcoop.jobs.models import Job
from ticcoop.pages import paginate


def _job(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job, pk=pk)
    queries.access_job(request.user, job)
    return job


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, queries.jobs_of(request.user))
    return render(request, "jobs/job_list.html", {"page": page})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    result = job.result or {}
    context = {"job": job, "status": queries.status_of(job), "result": result}
    return render(request, "jobs/job.html", context)


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(queries.status_of(_job(request, pk)))


@login_required
@require_POST
def job_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        again = services.rerun_job(request.user, job)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("jobs-detail", pk=pk)
    return redirect("jobs-detail", pk=again.pk)
