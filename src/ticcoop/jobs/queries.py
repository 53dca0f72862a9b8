"""Reading job records: who may see a job, a user's recent jobs, live progress."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ticcoop.jobs import queue
from ticcoop.jobs.models import Job, JobState


def access_job(user: Any, job: Job) -> None:
    """A job (its inputs and results) is its starter's; superusers see every job."""
    if getattr(user, "is_superuser", False):
        return
    if not getattr(user, "is_authenticated", False) or job.user_id != user.pk:
        raise PermissionDenied(_("只能查看自己发起的任务"))


def jobs_of(user: Any) -> QuerySet[Job]:
    return Job.objects.filter(user=user).order_by("-created_at", "-pk")


def status_of(job: Job) -> dict[str, Any]:
    """What the job page polls: state, rows done/total, percent."""
    done, total = job.rows_done, job.rows_total
    if job.state == JobState.RUNNING:
        live = queue.progress(job.pk)
        if live:
            done, total = int(live["done"]), int(live["total"])
    if job.state == JobState.DONE:
        percent = 100
    else:  # 100 % only once the job is done: after the rows come the writes
        percent = min(99, int(100 * done / total)) if total else 0
    return {
        "id": job.pk,
        "state": job.state,
        "state_label": job.get_state_display(),
        "done": done,
        "total": total,
        "percent": min(percent, 100),
        "finished": job.finished,
    }
