"""Competition set-up and the lifecycle transitions up to the start of the competition.

draft → registration open → registration closed → in progress → scores confirmed →
appeal window → results published (the last three in :mod:`.results`).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.competitions.models import (
    Competition,
    CompetitionStatus,
    ContestantStatus,
    Discipline,
    Judge,
    Stage,
    StageNumber,
)
from ticcoop.competitions.services._common import locked, require_organiser, require_status
from ticcoop.methods import draw
from ticcoop.notices.services import notify
from ticcoop.registry.models import Expert

EDITABLE = (CompetitionStatus.DRAFT, CompetitionStatus.REGISTRATION_OPEN)
STAGE_LETTERS = {Stage.THEORY: "T", Stage.BLIND: "B", Stage.OPERATION: "P"}


@transaction.atomic
def save_competition(actor: Any, competition: Competition) -> Competition:
    """Create (as a draft) or change a competition; rules are frozen once registration closes.

    The status is never changed here: transitions are separate services.
    """
    require_organiser(actor, competition)
    if competition.pk is None:
        competition.status = CompetitionStatus.DRAFT
    else:
        stored = locked(competition)
        require_organiser(actor, stored)
        require_status(stored, *EDITABLE, doing=_("修改比武设置"))
        competition.status = stored.status
    competition.full_clean()
    with audit_as(actor):
        competition.save()
    return competition


@transaction.atomic
def save_discipline(actor: Any, discipline: Discipline) -> Discipline:
    """Weights, quota, blind-sample and rubric rules: only while the competition is a draft."""
    competition = locked(discipline.competition)
    require_organiser(actor, competition)
    require_status(competition, CompetitionStatus.DRAFT, doing=_("修改比赛项目"))
    discipline.code = discipline.code.upper()
    discipline.full_clean()
    with audit_as(actor):
        discipline.save()
    return discipline


@transaction.atomic
def delete_discipline(actor: Any, discipline: Discipline) -> None:
    competition = locked(discipline.competition)
    require_organiser(actor, competition)
    require_status(competition, CompetitionStatus.DRAFT, doing=_("删除比赛项目"))
    with audit_as(actor):
        discipline.delete()


@transaction.atomic
def add_judge(actor: Any, discipline: Discipline, expert: Expert) -> Judge:
    competition = locked(discipline.competition)
    require_organiser(actor, competition)
    require_status(
        competition,
        *EDITABLE,
        CompetitionStatus.REGISTRATION_CLOSED,
        CompetitionStatus.IN_PROGRESS,
        doing=_("调整评委"),
    )
    if Judge.objects.filter(discipline=discipline, expert=expert).exists():
        raise ValidationError(
            {
                "expert": _("%(expert)s 已是项目「%(name)s」的评委")
                % {"expert": expert.name, "name": discipline.name}
            }
        )
    judge = Judge(competition=competition, discipline=discipline, expert=expert)
    judge.full_clean()
    with audit_as(actor):
        judge.save()
    if expert.user_id:
        params = {"subject": "judge-sheet", "ref": f"{competition.title} · {discipline.name}"}
        url = reverse("competitions-judge-sheet", args=[judge.pk])
        notify(expert.user, "task.assigned", params, url=url)
    return judge


@transaction.atomic
def open_registration(actor: Any, competition: Competition) -> Competition:
    competition = locked(competition)
    require_organiser(actor, competition)
    require_status(competition, CompetitionStatus.DRAFT, doing=_("开放报名"))
    disciplines = list(competition.disciplines.all())
    if not disciplines:
        raise ValidationError({"disciplines": _("至少需要设置一个比赛项目才能开放报名")})
    for discipline in disciplines:
        try:
            discipline.full_clean()
        except ValidationError as exc:
            raise ValidationError(
                {
                    "disciplines": _("项目「%(name)s」设置有误：%(errors)s")
                    % {"name": discipline.name, "errors": "；".join(exc.messages)}
                }
            ) from exc
    return _set_status(actor, competition, CompetitionStatus.REGISTRATION_OPEN)


@transaction.atomic
def close_registration(actor: Any, competition: Competition) -> Competition:
    """Close registration: unconfirmed registrations lapse, numbers are drawn (seeded)."""
    competition = locked(competition)
    require_organiser(actor, competition)
    require_status(competition, CompetitionStatus.REGISTRATION_OPEN, doing=_("截止报名"))
    with audit_as(actor):
        for contestant in competition.contestants.filter(status=ContestantStatus.PENDING):
            contestant.status = ContestantStatus.REJECTED
            contestant.decision_note = _("报名截止时仍未经所在地区监管部门确认")
            contestant.save(update_fields=["status", "decision_note"])
        if not competition.draw_seed:
            competition.draw_seed = secrets.token_hex(8)
        assign_numbers(competition)
    return _set_status(actor, competition, CompetitionStatus.REGISTRATION_CLOSED)


def assign_numbers(competition: Competition) -> None:
    """Contestant numbers and anonymous stage numbers by consistent sampling (methods.draw).

    For each discipline and each of "entry", "theory", "blind", "operation", the confirmed
    contestants' ids are ordered by ``draw.sample(ids, f"{seed}/{code}/{stage}")``; the i-th
    gets number ``CODE-001`` (entry) or ``CODE-T001`` / ``-B001`` / ``-P001``.  Anyone holding
    the seed and the ids can re-run the draw; only the organiser sees the key mapping.
    """
    StageNumber.objects.filter(competition=competition).delete()
    seed = competition.draw_seed
    for discipline in competition.disciplines.all():
        contestants = {
            str(c.pk): c
            for c in competition.contestants.filter(
                discipline=discipline, status=ContestantStatus.CONFIRMED
            )
        }
        ids = sorted(contestants)
        for position, ticket in enumerate(draw.sample(ids, f"{seed}/{discipline.code}/entry"), 1):
            contestant = contestants[ticket.id]
            contestant.number = f"{discipline.code}-{position:03d}"
            contestant.save(update_fields=["number"])
        rows = []
        for stage, letter in STAGE_LETTERS.items():
            tickets = draw.sample(ids, f"{seed}/{discipline.code}/{stage.value}")
            rows += [
                StageNumber(
                    competition=competition,
                    contestant=contestants[ticket.id],
                    stage=stage,
                    number=f"{discipline.code}-{letter}{position:03d}",
                )
                for position, ticket in enumerate(tickets, 1)
            ]
        StageNumber.objects.bulk_create(rows)


@transaction.atomic
def start_competition(actor: Any, competition: Competition) -> Competition:
    competition = locked(competition)
    require_organiser(actor, competition)
    require_status(competition, CompetitionStatus.REGISTRATION_CLOSED, doing=_("开始比赛"))
    return _set_status(actor, competition, CompetitionStatus.IN_PROGRESS)


def _set_status(actor: Any, competition: Competition, status: str, **fields: Any) -> Competition:
    competition.status = status
    for name, value in fields.items():
        setattr(competition, name, value)
    with audit_as(actor):
        competition.save()
    return competition


@transaction.atomic
def remove_judge(actor: Any, judge: Judge) -> None:
    """Remove a judge who has not scored yet (scores are kept: PROTECT)."""
    competition = locked(judge.competition)
    require_organiser(actor, competition)
    if judge.scores.exists():
        raise ValidationError(
            {"judge": _("评委 %(name)s 已有评分记录，不能移除") % {"name": judge.expert.name}}
        )
    with audit_as(actor):
        judge.delete()
