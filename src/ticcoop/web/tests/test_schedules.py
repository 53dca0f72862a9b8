"""The platform's schedule (config/schedules.py) does the periodic work (issue 12)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from ticcoop.accounts.roles import Role
from ticcoop.assessments.tests import factories as af
from ticcoop.config import schedules
from ticcoop.jobs import tasks as job_tasks
from ticcoop.methods.workdays import add_working_days
from ticcoop.notices.models import Notice
from ticcoop.registry.models import InstitutionMembership
from ticcoop.supervision.tests import factories as sf
from ticcoop.testing import factories

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
    assert "ticcoop.opendata_snapshot" in due_at(datetime(2026, 3, 2, 18, 0))  # noqa: DTZ001
    assert "ticcoop.drop_job_results" in due_at(datetime(2026, 3, 2, 19, 30))  # noqa: DTZ001
    assert "ticcoop.opendata_snapshot" not in due_at(datetime(2026, 3, 2, 19, 0))  # noqa: DTZ001
    assert job_tasks.sweep_jobs.name == "ticcoop.sweep_jobs"


def test_the_reminder_schedule_sends_one_reminder_and_one_email_per_step() -> None:
    """A nonconformity 7 working days before its deadline, through the schedule's own task:
    exactly one message and one email, however often the schedule runs."""
    made = af.assessment()
    user = factories.user(Role.INSTITUTION_USER, "13", email="lab@example.cn")
    InstitutionMembership.objects.create(user=user, institution=made.institution)
    af.nonconformity(made, deadline=add_working_days(timezone.localdate(), 7))
    assert schedules.send_reminders.call_local() == 1
    assert schedules.send_reminders.call_local() == 0
    assert schedules.send_daily_digests.call_local() == 1
    assert schedules.send_daily_digests.call_local() == 0
    assert len(mail.outbox) == 1 and "还剩 7 个工作日" in mail.outbox[0].body
    assert Notice.objects.get(user=user).key == "deadline.soon"
