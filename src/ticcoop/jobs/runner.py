"""Running a job: kinds registered by the domain apps, claim → run → done or failed, the sweeper.

Domain apps register a handler per kind in their ``tasks.py`` (``@job_kind("registry-import")``);
the handler gets the :class:`Job` and a :class:`JobContext` for progress, returns the result
(a JSON-able dict) or raises :class:`JobFailure` with a precise message. ``atomic=True`` kinds
run inside one transaction together with the "done" mark, so a crash leaves nothing behind;
kinds that are atomic and idempotent themselves (the registry import) say ``atomic=False``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from ticcoop.jobs import queue
from ticcoop.jobs.models import Job, JobState

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 2  # a job whose consumer died is run once more, then marked failed
ERRORS_KEPT = 500


class JobFailure(Exception):
    """A failure to show the user as it is (bad rows, a refused transition), not a crash."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Callable[[Job, JobContext], dict[str, Any]]
    atomic: bool


KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str, *, atomic: bool = True
) -> Callable[[Callable[[Job, JobContext], dict[str, Any]]], Callable[..., Any]]:
    def register(
        handler: Callable[[Job, JobContext], dict[str, Any]],
    ) -> Callable[[Job, JobContext], dict[str, Any]]:
        KINDS[name] = JobKind(name, handler, atomic)
        return handler

    return register


def kind_of(name: str) -> JobKind:
    if name not in KINDS:
        autodiscover_modules("tasks")  # the web process imports the apps' tasks.py lazily
    return KINDS[name]


class JobContext:
    """Progress reports of a running job (rate-limited writes to the queue's store)."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self.done = 0
        self.total = 0
        self._reported = -1
        self.result_path = ""

    def save_result(self, name: str, content: bytes | IO[bytes]) -> str:
        """The job's result file (kept ``TICCOOP_JOB_RESULT_DAYS`` days, then deleted by the
        schedule); the job page offers it for download once the job is done."""
        self.drop_result()
        self.result_path = default_storage.save(
            f"jobs/results/{self.job_id}/{name}",
            ContentFile(content) if isinstance(content, bytes) else File(content),
        )
        return self.result_path

    def drop_result(self) -> None:
        if self.result_path:
            default_storage.delete(self.result_path)
            self.result_path = ""

    def set_total(self, total: int) -> None:
        self.total = total
        self._report(force=True)

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        self._report()

    def set_done(self, done: int) -> None:
        self.done = done
        self._report()

    def _report(self, force: bool = False) -> None:
        step = max(1, self.total // 100)
        if force or self.done - self._reported >= step or self.done == self.total:
            self._reported = self.done
            queue.put_progress(self.job_id, self.done, self.total)

    def beat(self) -> None:
        queue.put_progress(self.job_id, self.done, self.total)


class Heartbeat(threading.Thread):
    """Keeps the lease of a running job fresh while its handler works."""

    def __init__(self, context: JobContext) -> None:
        super().__init__(daemon=True)
        self.context = context
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(queue.lease_seconds() / 3):
            self.context.beat()


def _claim(job_id: int) -> Job | None:
    """queued → running, once: one conditional UPDATE, so a second delivery finds it taken."""
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, attempt=F("attempt") + 1, started_at=timezone.now()
    )
    return Job.objects.get(pk=job_id) if claimed else None


def _fail(job: Job, message: str, result: dict[str, Any]) -> None:
    Job.objects.filter(pk=job.pk, attempt=job.attempt).update(
        state=JobState.FAILED, error=message, result=result, finished_at=timezone.now()
    )


def execute_job(job_id: int) -> None:
    """Run one job to done or failed; the queue task calls this."""
    job = _claim(job_id)
    if job is None:
        return
    context = JobContext(job)
    context.beat()
    heartbeat = Heartbeat(context)
    if not queue.is_immediate():
        heartbeat.start()
    try:
        with translation.override(job.language or None):
            _run(job, context)
    finally:
        heartbeat.stopped.set()
        queue.clear_progress(job.pk)


def _run(job: Job, context: JobContext) -> None:
    kind = kind_of(job.kind)
    try:
        try:
            with transaction.atomic() if kind.atomic else nullcontext():
                result = kind.handler(job, context)
                _mark_done(job, context, result)
        except BaseException:
            context.drop_result()  # the file of a job that did not end well is no result
            raise
    except JobFailure as failure:
        _fail(job, str(failure), failure.result)
        return
    except ValidationError as exc:  # a service refused: its messages are the precise error
        _fail(job, "；".join(exc.messages), {"errors": exc.messages[:ERRORS_KEPT]})
        return
    except PermissionDenied as exc:
        _fail(job, str(exc), {})
        return
    except Exception as exc:
        logger.exception("job %s failed", job.pk)
        _fail(job, _("内部错误：%(error)s") % {"error": f"{type(exc).__name__}: {exc}"}, {})
        return
    if job.input_file and not result.get("keep_input"):
        # the upload is kept until the job ends well (a failed job keeps it for a re-run,
        # a dry run for the real import that follows it)
        job.input_file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(input_file="")


def _mark_done(job: Job, context: JobContext, result: dict[str, Any]) -> None:
    Job.objects.filter(pk=job.pk, attempt=job.attempt).update(
        state=JobState.DONE,
        result=result,
        error="",
        rows_done=context.done,
        rows_total=context.total or context.done,
        result_file=context.result_path,
        finished_at=timezone.now(),
    )


def sweep_stale_jobs(enqueue: Callable[[int], None]) -> list[int]:
    """Running jobs whose heartbeat stopped (consumer killed): queue again or mark failed.

    Never "running" forever: after MAX_ATTEMPTS the job fails with a precise message. Called
    when a consumer starts and every minute by the schedule.
    """
    close_old_connections()
    cutoff = timezone.now() - timedelta(seconds=queue.lease_seconds())
    swept = []
    for job in Job.objects.filter(state=JobState.RUNNING, started_at__lt=cutoff):
        if queue.is_alive(job.pk):
            continue
        if job.attempt < MAX_ATTEMPTS:
            changed = Job.objects.filter(
                pk=job.pk, state=JobState.RUNNING, attempt=job.attempt
            ).update(state=JobState.QUEUED)
            if changed:
                transaction.on_commit(partial(enqueue, job.pk))
        else:
            message = _("后台进程在运行中终止（已尝试 %(n)d 次），未写入任何数据；可重新运行。")
            changed = Job.objects.filter(
                pk=job.pk, state=JobState.RUNNING, attempt=job.attempt
            ).update(
                state=JobState.FAILED,
                error=message % {"n": job.attempt},
                finished_at=timezone.now(),
            )
        if changed:
            swept.append(job.pk)
    return swept


INPUTS_KEPT = timedelta(days=1)


def drop_expired_results(now: datetime | None = None) -> int:
    """Result files older than ``TICCOOP_JOB_RESULT_DAYS`` are deleted (the daily schedule);
    the job record stays and its page says the file is gone."""
    days = int(getattr(settings, "TICCOOP_JOB_RESULT_DAYS", 7))
    cutoff = (now or timezone.now()) - timedelta(days=days)
    dropped = 0
    for job in Job.objects.filter(finished_at__lt=cutoff).exclude(result_file=""):
        job.result_file.delete(save=False)
        dropped += Job.objects.filter(pk=job.pk).update(result_file="")
    return dropped


def result_expires(job: Job) -> datetime | None:
    if not job.result_file or job.finished_at is None:
        return None
    return job.finished_at + timedelta(days=int(getattr(settings, "TICCOOP_JOB_RESULT_DAYS", 7)))


def drop_unclaimed_inputs(now: datetime | None = None) -> int:
    """Inputs a finished job kept for a follow-up nobody started (an unconfirmed dry run) are
    deleted after a day; the follow-up then asks for the file again."""
    cutoff = (now or timezone.now()) - INPUTS_KEPT
    dropped = 0
    for job in Job.objects.filter(state=JobState.DONE, finished_at__lt=cutoff).exclude(
        input_file=""
    ):
        job.input_file.delete(save=False)
        dropped += Job.objects.filter(pk=job.pk).update(input_file="")
    return dropped
