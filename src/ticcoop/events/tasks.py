"""Queue work of the events app: webhook attempts (as jobs) and the retry sweep."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ticcoop.events import webhooks
from ticcoop.jobs.models import Job
from ticcoop.jobs.runner import JobContext, job_kind


@job_kind(webhooks.JOB_KIND, atomic=False)  # the HTTP call must not hold a transaction open
def webhook_delivery(job: Job, context: JobContext) -> dict[str, Any]:
    delivery = webhooks.attempt(int(job.params["delivery"]))
    return {"status": delivery.status, "attempts": delivery.attempts}


@db_periodic_task(crontab(minute="*"), name="ticcoop.retry_webhooks")
def retry_webhooks() -> None:
    webhooks.retry_due()
