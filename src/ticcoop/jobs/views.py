"""The job page (live progress, result, error, re-run), its polled status, the user's jobs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticcoop.jobs import queries, services
from ticcoop.jobs.models import Job, JobState
from ticcoop.jobs.runner import result_expires
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
    context = {
        "job": job,
        "status": queries.status_of(job),
        "result": result,
        "result_expires": result_expires(job),
    }
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


@login_required
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    """The result file of a done job (only its starter's); 404 once the schedule dropped it."""
    job = _job(request, pk)
    if job.state != JobState.DONE or not job.result_file:
        raise Http404
    name = job.result_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)


DEMO_DATA = "demo-data"  # registered in ticcoop.web.tasks


@login_required
def demo_data(request: HttpRequest) -> HttpResponse:
    """Back office: the full demo data as a job (superusers; the database must be empty)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        try:
            institutions = int(request.POST.get("institutions", "300"))
            seed = int(request.POST.get("seed", "2025"))
        except ValueError:
            institutions, seed = 0, 0
        if not 1 <= institutions <= 100_000:
            messages.error(request, _("机构数量须在 1 到 %(max)d 之间") % {"max": 100_000})
            return render(request, "jobs/demo_data.html", status=400)
        params = {"institutions": institutions, "seed": seed}
        job = services.start_job(request.user, DEMO_DATA, params)
        return redirect("jobs-detail", pk=job.pk)
    return render(request, "jobs/demo_data.html")
