"""Inbox messages about nonconformities: deadlines approaching or missed, review decisions.

The institution's users are told; a reminder goes out once per nonconformity, deadline and
threshold (7 and 1 Chinese working days before, and once missed), however often it runs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from ticcoop.assessments.models import OPEN_NC_STATUSES, Nonconformity
from ticcoop.methods.workdays import add_working_days
from ticcoop.notices.services import notify_all
from ticcoop.registry.queries import members_of

THRESHOLDS = (7, 1)  # working days before the deadline


def _members(nc: Nonconformity) -> Any:
    return members_of(nc.assessment.institution_id)


def _params(nc: Nonconformity) -> dict[str, Any]:
    return {"subject": "nonconformity", "ref": f"{nc.clause.number} #{nc.pk}"}


def _url(nc: Nonconformity) -> str:
    return reverse("assessments-nc-detail", args=[nc.pk])


def remind_nonconformities(today: date | None = None) -> int:
    """Reminders due today for open nonconformities; returns the messages written."""
    today = today or timezone.localdate()
    written = 0
    ahead = {add_working_days(today, days): days for days in THRESHOLDS}
    open_ncs = Nonconformity.objects.filter(status__in=OPEN_NC_STATUSES).select_related(
        "clause", "assessment"
    )
    for nc in open_ncs.filter(deadline__in=list(ahead)):
        days = ahead[nc.deadline]
        params = {**_params(nc), "deadline": nc.deadline.isoformat(), "days": days}
        occasion = f"nc:{nc.pk}:{nc.deadline.isoformat()}:{days}"
        written += notify_all(
            _members(nc), "deadline.soon", params, url=_url(nc), occasion=occasion
        )
    for nc in open_ncs.filter(deadline__lt=today):
        params = {**_params(nc), "deadline": nc.deadline.isoformat()}
        occasion = f"nc:{nc.pk}:{nc.deadline.isoformat()}:missed"
        written += notify_all(
            _members(nc), "deadline.missed", params, url=_url(nc), occasion=occasion
        )
    return written


def tell_decision(nc: Nonconformity, decision: str) -> None:
    """Rectification accepted or returned: the institution's users are told."""
    params = {**_params(nc), "decision": decision}
    notify_all(_members(nc), "decision", params, url=_url(nc))
