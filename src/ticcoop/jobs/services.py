"""Starting and re-running jobs (every write to a job record outside the runner)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.jobs.models import Job, JobState
from ticcoop.jobs.queries import access_job
from ticcoop.jobs.runner import kind_of


def start_job(
    actor: Any,
    kind: str,
    params: dict[str, Any] | None = None,
    *,
    upload: UploadedFile | None = None,
    input_path: str = "",
    input_name: str = "",
) -> Job:
    """Record the job and queue it once the record is committed (never before it exists)."""
    kind_of(kind)  # KeyError for a kind nobody registered: a programming error
    user = actor if getattr(actor, "is_authenticated", False) else None
    job = Job(
        kind=kind,
        user=user,
        language=translation.get_language() or "",
        params=params or {},
        input_name=((upload.name or "") if upload else input_name)[:255],
    )
    with transaction.atomic(), audit_as(actor):
        if upload is not None:
            job.input_file.save(upload.name or "upload", upload, save=False)
        elif input_path:
            job.input_file.name = input_path
        job.full_clean()
        job.save()
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def rerun_job(actor: Any, job: Job) -> Job:
    """A failed job again, with the same inputs (its upload passes to the new record)."""
    access_job(actor, job)
    if job.state != JobState.FAILED:
        raise ValidationError(_("只有失败的任务可以重新运行"))
    if job.kind and not job.input_file and job.input_name:
        raise ValidationError(_("输入文件已不存在，请重新上传"))
    with transaction.atomic(), audit_as(actor):
        again = start_job(
            actor,
            job.kind,
            job.params,
            input_path=job.input_file.name if job.input_file else "",
            input_name=job.input_name,
        )
        again.rerun_of = job
        again.save(update_fields=["rerun_of"])
        Job.objects.filter(pk=job.pk).update(input_file="")
    return again


def start_from(actor: Any, job: Job, kind: str, params: dict[str, Any]) -> Job:
    """A new job on the input file of a finished one (a dry run's file for the real import)."""
    access_job(actor, job)
    if job.state != JobState.DONE or not job.input_file:
        raise ValidationError(_("该任务的输入文件已不存在，请重新上传"))
    with transaction.atomic(), audit_as(actor):
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if not locked.input_file:  # a second click on the same confirmation
            raise ValidationError(_("该任务的输入文件已不存在，请重新上传"))
        again = start_job(
            actor, kind, params, input_path=locked.input_file.name, input_name=locked.input_name
        )
        Job.objects.filter(pk=job.pk).update(input_file="")
    return again


def _enqueue(job_id: int) -> None:
    from ticcoop.jobs.tasks import enqueue  # the task module registers with the queue on import

    enqueue(job_id)
