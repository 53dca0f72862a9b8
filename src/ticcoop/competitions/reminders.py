"""Reminders of competition scoring: a judge whose score sheet is unfinished is told 7 and 1
Chinese working days before the competition's scoring deadline, and once when it is missed.

A sheet is finished when the judge has a score for every contestant on it they need not step
aside for (queries.judge_sheet); a finished sheet gets no reminder, a reminder goes out once
per judge, deadline and threshold however often the schedule runs (notices.reminders).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ticcoop.competitions.models import CompetitionStatus, Judge
from ticcoop.competitions.queries import judge_sheet
from ticcoop.notices.reminders import ahead_of, remind


def sheet_unfinished(judge: Judge) -> bool:
    return any(row.latest is None and not row.excluded for row in judge_sheet(judge))


def remind_score_sheets(today: date | None = None) -> int:
    """Reminders due today for unfinished score sheets; returns the messages written."""
    today = today or timezone.localdate()
    judges = (
        Judge.objects.filter(
            competition__status=CompetitionStatus.IN_PROGRESS,
            expert__user__isnull=False,
        )
        .filter(
            Q(competition__scoring_deadline__in=list(ahead_of(today)))
            | Q(competition__scoring_deadline__lt=today)
        )
        .select_related("competition", "discipline", "expert__user")
    )
    written = 0
    for judge in judges:
        competition = judge.competition
        deadline = competition.scoring_deadline
        if deadline is None or not sheet_unfinished(judge):
            continue
        params = {"subject": "scoring", "ref": f"{competition.title} · {judge.discipline.name}"}
        url = reverse("competitions-judge-sheet", args=[judge.pk])
        written += remind(today, f"scoring:{judge.pk}", deadline, [judge.expert.user], params, url)
    return written
