"""Inbox messages about nonconformities: deadlines approaching or missed, review decisions.

The institution's users are told; a reminder goes out once per nonconformity, deadline and
threshold (7 and 1 Chinese working days before, and once missed), however often it runs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ticcoop.assessments.models import OPEN_NC_STATUSES, Nonconformity
from ticcoop.notices.reminders import ahead_of, remind
from ticcoop.notices.services import notify_all
from ticcoop.registry.queries import members_of


def _members(nc: Nonconformity) -> Any:
    return members_of(nc.assessment.institution_id)


def _params(nc: Nonconformity) -> dict[str, Any]:
    return {"subject": "nonconformity", "ref": f"{nc.clause.number} #{nc.pk}"}


def _url(nc: Nonconformity) -> str:
    return reverse("assessments-nc-detail", args=[nc.pk])


def remind_nonconformities(today: date | None = None) -> int:
    """Reminders due today for open nonconformities; returns the messages written."""
    today = today or timezone.localdate()
    open_ncs = Nonconformity.objects.filter(status__in=OPEN_NC_STATUSES).select_related(
        "clause", "assessment"
    )
    due = open_ncs.filter(Q(deadline__in=list(ahead_of(today))) | Q(deadline__lt=today))
    return sum(
        remind(today, f"nc:{nc.pk}", nc.deadline, _members(nc), _params(nc), _url(nc)) for nc in due
    )


def tell_decision(nc: Nonconformity, decision: str) -> None:
    """Rectification accepted or returned: the institution's users are told."""
    params = {**_params(nc), "decision": decision}
    notify_all(_members(nc), "decision", params, url=_url(nc))
