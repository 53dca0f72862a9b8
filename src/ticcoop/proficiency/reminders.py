"""Reminders of PT corrective actions: the institution is told before and after the due date."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ticcoop.notices.reminders import ahead_of, remind
from ticcoop.proficiency.models import ActionStatus, CorrectiveAction
from ticcoop.registry.queries import members_of


def remind_corrective_actions(today: date | None = None) -> int:
    today = today or timezone.localdate()
    due = CorrectiveAction.objects.filter(status=ActionStatus.OPEN).filter(
        Q(due_date__in=list(ahead_of(today))) | Q(due_date__lt=today)
    )
    written = 0
    for action in due.select_related("round", "measurand"):
        params = {"subject": "pt-action", "ref": f"{action.round.code} {action.measurand.name}"}
        url = reverse("pt-action-detail", args=[action.pk])
        users = members_of(action.institution_id)
        written += remind(today, f"pt-action:{action.pk}", action.due_date, users, params, url)
    return written
