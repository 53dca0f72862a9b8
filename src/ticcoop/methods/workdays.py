"""Working-day arithmetic on the Chinese official calendar (法定节假日与调休).

Deadlines in the rules on qualification assessment are counted in working days (工作日): the
State Council's annual holiday notice (国务院办公厅关于节假日安排的通知) turns some weekdays into
holidays and some weekends into make-up working days (调休上班). The calendar data come from the
``chinesecalendar`` package (import name ``chinese_calendar``).

Outside the years the package knows (it raises ``NotImplementedError`` for them; version 1.11
covers 2004–2026) the holiday notice has not been published yet, so a day counts as a working day
exactly when it is Monday to Friday. A deadline computed across such a year is therefore
provisional: recompute it once a newer ``chinesecalendar`` knows the year. :func:`is_known_year`
tells whether a date falls in a covered year.

No Django here: the function may be re-run by anyone checking a deadline.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

__all__ = ["add_working_days", "is_known_year", "is_working_day"]


def is_known_year(day: date) -> bool:
    """True when the calendar data cover ``day``'s year (holidays and make-up days known)."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date) -> bool:
    """Official working day; Monday–Friday for years the calendar data do not cover."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted).

    ``add_working_days(d, 0)`` is ``d``. With ``days >= 1`` the result is always a working day:
    for instance 30 working days after the last on-site day is the rectification deadline of a
    nonconformity. Negative ``days`` are refused (``ValueError``).

    >>> add_working_days(date(2025, 9, 26), 1)  # Sunday 28 September 2025 is a make-up day
    datetime.date(2025, 9, 28)
    """
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
