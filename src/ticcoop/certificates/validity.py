"""Pure date rules of CMA certificates (no Django): six-year validity, extension deadline.

资质认定证书有效期为 6 年（《检验检测机构资质认定管理办法》第十一条）; an extension
(延续) must be applied for at least three months before expiry (同办法第十二条), and the
extended certificate is valid for six years from the day after the old expiry.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

VALIDITY_YEARS = 6
EXTENSION_NOTICE_MONTHS = 3


def add_years(day: date, years: int) -> date:
    """Same day ``years`` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later (negative allowed), clamped to the month's last day."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_for(valid_from: date) -> date:
    """Last day of validity: ``valid_from`` + 6 years − 1 day (2024-03-15 → 2030-03-14)."""
    return add_years(valid_from, VALIDITY_YEARS) - timedelta(days=1)


def extension_deadline(expiry: date) -> date:
    """Latest application date for an extension: three months before expiry."""
    return add_months(expiry, -EXTENSION_NOTICE_MONTHS)


def extended_period(expiry: date) -> tuple[date, date]:
    """(new valid_from, new expiry) of an extension: from the old expiry + 1 day, six years."""
    start = expiry + timedelta(days=1)
    return start, expiry_for(start)
