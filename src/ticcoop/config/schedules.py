"""What runs when (Huey periodic tasks; times are Beijing time, the queue's clock is UTC).

- every minute: ``ticcoop.sweep_jobs`` — jobs whose consumer died are queued again or failed
  (jobs/tasks.py);
- every 10 minutes: ``expire_ceremonies`` — ceremonies past their commit/reveal deadline fail;
- every hour at :05: ``open_due_batches`` — due double-random batches of published plans (常态化);
- daily 07:00: ``send_reminders`` — 7 and 1 working days before, and once missed: nonconformity
  rectification, PT corrective actions, result publication (20 working days), competition
  score sheets (judges, until the scoring deadline);
- daily 08:00: ``send_digests`` — one email per user with the messages not yet mailed;
- daily 02:00: ``opendata_snapshot`` — a job builds the open-data files (disclosure/snapshots.py),
  the download pages serve the last snapshot;
- daily 03:30: ``drop_job_results`` — job result files older than TICCOOP_JOB_RESULT_DAYS
  (jobs/tasks.py).

Every task is idempotent (a batch exists once per plan and period, a reminder once per
occasion, a message is mailed once), so a consumer restarted mid-way or two consumers running
the same schedule change nothing twice. Expired certificates and overdue lists need no task:
they are computed from the dates when read (certificates.models, *.queries.overdue_*).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ticcoop.assessments.reminders import remind_nonconformities
from ticcoop.competitions.reminders import remind_score_sheets
from ticcoop.disclosure.snapshots import OPENDATA_SNAPSHOT
from ticcoop.jobs.services import start_job
from ticcoop.notices.services import send_digests
from ticcoop.proficiency.reminders import remind_corrective_actions
from ticcoop.supervision.reminders import remind_result_publication
from ticcoop.supervision.services import create_due_batches, expire_ceremonies

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/10"), name="ticcoop.expire_ceremonies")
def close_expired_ceremonies() -> int:
    return expire_ceremonies()


@db_periodic_task(crontab(minute="5"), name="ticcoop.open_due_batches")
def open_due_batches() -> int:
    created = create_due_batches()
    for batch in created:
        logger.info("opened batch %s", batch)
    return len(created)


@db_periodic_task(crontab(hour="23", minute="0"), name="ticcoop.send_reminders")
def send_reminders() -> int:
    return (
        remind_nonconformities()
        + remind_corrective_actions()
        + remind_result_publication()
        + remind_score_sheets()
    )


@db_periodic_task(crontab(hour="0", minute="0"), name="ticcoop.send_digests")
def send_daily_digests() -> int:
    return send_digests()


@db_periodic_task(crontab(hour="18", minute="0"), name="ticcoop.opendata_snapshot")
def opendata_snapshot() -> int:
    # a job (its record shows when the files were made, or why not), in the site's language
    with translation.override(settings.LANGUAGE_CODE):
        return start_job(None, OPENDATA_SNAPSHOT).pk
