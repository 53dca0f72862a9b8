"""The queue's tasks for jobs: run one job, and sweep jobs whose consumer died."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from ticcoop.jobs.models import Job
from ticcoop.jobs.runner import (
    JobContext,
    drop_expired_results,
    drop_unclaimed_inputs,
    execute_job,
    job_kind,
    sweep_stale_jobs,
)


@db_task(name="ticcoop.run_job")
def run_job(job_id: int) -> None:
    execute_job(job_id)


def enqueue(job_id: int) -> None:
    run_job(job_id)


@db_periodic_task(crontab(minute="*"), name="ticcoop.sweep_jobs")
def sweep_jobs() -> None:
    sweep_stale_jobs(enqueue)
    drop_unclaimed_inputs()


@db_periodic_task(crontab(hour="19", minute="30"), name="ticcoop.drop_job_results")
def drop_job_results() -> int:
    # 03:30 Beijing time: result files past TICCOOP_JOB_RESULT_DAYS go (exports, PDF ZIPs)
    return drop_expired_results()


@on_startup(name="ticcoop.sweep_on_startup")
def sweep_on_startup() -> None:
    # Jobs that were running when the last consumer was killed are taken up again here.
    sweep_stale_jobs(enqueue)


@job_kind("noop")
def noop(job: Job, context: JobContext) -> dict[str, Any]:
    """A job that does nothing: a health check of the consumers, and the benchmark's probe."""
    return {}
