"""Deadline reminders shared by the apps: 7 and 1 Chinese working days before, and once missed.

An app lists its open deadlines (``due_dates(today)`` says which dates are worth loading) and
calls :func:`remind` for each; the occasion key makes every reminder exactly-once per user,
deadline and threshold however often the schedule runs (and a moved deadline is new).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from ticcoop.methods.workdays import add_working_days
from ticcoop.notices.services import notify_all

THRESHOLDS = (7, 1)  # working days before the deadline
# Sent inside the reminder's transaction when a deadline is found missed, with ``occasion``,
# ``params``, ``users`` and ``url``; the events app records the deadline.missed webhook event.
deadline_missed = Signal()


def ahead_of(today: date) -> dict[date, int]:
    """Deadlines that are exactly a threshold of working days after ``today``."""
    return {add_working_days(today, days): days for days in THRESHOLDS}


def remind(
    today: date,
    occasion: str,
    deadline: date,
    users: Iterable[Any],
    params: dict[str, Any],
    url: str = "",
) -> int:
    """The reminder due today for one deadline (none, "soon" or "missed"); messages written."""
    days = ahead_of(today).get(deadline)
    values = {**params, "deadline": deadline.isoformat()}
    if days is not None:
        key, values["days"], step = "deadline.soon", days, str(days)
    elif deadline < today:
        key, step = "deadline.missed", "missed"
    else:
        return 0
    where = f"{occasion}:{deadline.isoformat()}:{step}"
    if step == "missed":  # also the deadline.missed webhook: an event in the same transaction
        with transaction.atomic():
            written = notify_all(users, key, values, url=url, occasion=where)
            deadline_missed.send(remind, occasion=where, params=values, users=users, url=url)
        return written
    return notify_all(users, key, values, url=url, occasion=where)
