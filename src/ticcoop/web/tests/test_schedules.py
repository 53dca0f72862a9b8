"""The platform's schedule (config/schedules.py) does the periodic work (issue 12)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from ticcoop.config import schedules
from ticcoop.jobs import tasks as job_tasks
from ticcoop.supervision.tests import factories as sf

pytestmark = pytest.mark.django_db


def due_at(moment: datetime) -> set[str]:
    """The periodic tasks the consumer's scheduler starts at ``moment`` (the queue's UTC clock)."""
    return {task.name for task in settings.HUEY.read_periodic(moment)}


def test_a_due_batch_is_opened_by_the_schedule() -> None:
    plan = sf.plan(("11",), frequency="monthly")
    assert not plan.batches.exists()
    at_five_past = datetime(2026, 3, 1, 8, 5)  # noqa: DTZ001 - Huey's clock is naive UTC
    assert "ticcoop.open_due_batches" in due_at(at_five_past)
    for task in settings.HUEY.read_periodic(at_five_past):
        if task.name == "ticcoop.open_due_batches":
            settings.HUEY.execute(task)  # what the consumer does with it
    batch = plan.batches.get()
    today = timezone.localdate()
    assert batch.period == f"{today.year}-{today.month:02d}"
    assert schedules.open_due_batches.call_local() == 0  # run again: nothing doubles


def test_what_runs_when() -> None:
    assert "ticcoop.open_due_batches" not in due_at(datetime(2026, 3, 1, 8, 6))  # noqa: DTZ001
    assert due_at(datetime(2026, 3, 1, 23, 0)) >= {  # noqa: DTZ001 - 07:00 Beijing
        "ticcoop.send_reminders",
        "ticcoop.sweep_jobs",
        "ticcoop.expire_ceremonies",
    }
    assert "ticcoop.send_digests" in due_at(datetime(2026, 3, 2, 0, 0))  # noqa: DTZ001
    assert job_tasks.sweep_jobs.name == "ticcoop.sweep_jobs"
