"""Confirmation of scores, the appeal window, publication and award certificates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.audit.chain import append_records
from ticcoop.competitions.compute import compute_competition
from ticcoop.competitions.models import Award, Competition, CompetitionStatus, Medal, Result
from ticcoop.competitions.queries import unanswered_appeals
from ticcoop.competitions.services._common import locked, require_organiser, require_status
from ticcoop.competitions.services.lifecycle import _set_status
from ticcoop.trust.services import sign_fields

AWARD_TOKEN_TYPE = "competition-award"  # noqa: S105 - a token type, not a secret


def rebuild_results(competition: Competition) -> list[Result]:
    """Recompute every Result row (refused once the results are published)."""
    if competition.status == CompetitionStatus.RESULTS_PUBLISHED:
        raise ValidationError({"status": _("结果已公布，成绩不可再改动")})
    outcomes = compute_competition(competition)
    Result.objects.filter(contestant__competition=competition).delete()
    rows = [result for outcome in outcomes for result in outcome.results]
    results = Result.objects.bulk_create(rows)
    append_records(Result, [result.pk for result in results])  # bulk_create sends no signal
    return results


@transaction.atomic
def confirm_scores(actor: Any, competition: Competition) -> Competition:
    """The organiser confirms the scores: every confirmed contestant must have all three."""
    competition = locked(competition)
    require_organiser(actor, competition)
    require_status(competition, CompetitionStatus.IN_PROGRESS, doing=_("确认成绩"))
    with audit_as(actor):
        rebuild_results(competition)
    return _set_status(
        actor, competition, CompetitionStatus.SCORES_CONFIRMED, scores_confirmed_at=timezone.now()
    )


@transaction.atomic
def open_appeals(actor: Any, competition: Competition, deadline: datetime) -> Competition:
    competition = locked(competition)
    require_organiser(actor, competition)
    require_status(competition, CompetitionStatus.SCORES_CONFIRMED, doing=_("开始申诉期"))
    if deadline <= timezone.now():
        raise ValidationError({"appeal_deadline": _("申诉截止时间必须晚于现在")})
    return _set_status(
        actor, competition, CompetitionStatus.APPEAL_WINDOW, appeal_deadline=deadline
    )


@transaction.atomic
def publish_results(actor: Any, competition: Competition) -> Competition:
    """Publish after the appeal window: refused while an appeal is unanswered."""
    competition = locked(competition)
    require_organiser(actor, competition)
    require_status(competition, CompetitionStatus.APPEAL_WINDOW, doing=_("公布结果"))
    if competition.appeal_deadline and competition.appeal_deadline > timezone.now():
        raise ValidationError(
            {
                "appeal_deadline": _("申诉期至 %(end)s 结束，之前不能公布结果")
                % {
                    "end": timezone.localtime(competition.appeal_deadline).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                }
            }
        )
    open_appeals_qs = unanswered_appeals(competition).select_related("contestant")
    if open_appeals_qs.exists():
        names = "、".join(a.contestant.number or a.contestant.person_name for a in open_appeals_qs)
        raise ValidationError(
            {
                "appeals": _("还有 %(n)d 件申诉未答复（%(names)s），不能公布结果")
                % {"n": open_appeals_qs.count(), "names": names}
            }
        )
    with audit_as(actor):
        results = rebuild_results(competition)
        issue_awards(competition, results)
    return _set_status(
        actor, competition, CompetitionStatus.RESULTS_PUBLISHED, published_at=timezone.now()
    )


def award_fields(award: Award) -> dict[str, str | int]:
    contestant = award.contestant
    competition = contestant.competition
    return {
        "typ": AWARD_TOKEN_TYPE,
        "no": award.number,
        "name": contestant.person_name,
        "inst": contestant.institution.name,
        "comp": f"{competition.year} {competition.title}",
        "disc": contestant.discipline.name,
        "medal": award.medal,
        "rank": award.rank,
        "issuer": competition.organiser_region.code,
    }


def issue_awards(competition: Competition, results: list[Result]) -> list[Award]:
    """One award certificate per medal, signed by the organiser region (ticcoop.trust)."""
    issuer = competition.organiser_region.code
    awards = []
    for result in results:
        if not result.medal:
            continue
        contestant = result.contestant
        award = Award(
            contestant=contestant,
            number=f"JN{competition.year}{issuer}-{contestant.number}",
            medal=Medal(result.medal),
            rank=result.rank,
        )
        award.token = sign_fields(issuer, award_fields(award))
        award.full_clean()
        award.save()
        awards.append(award)
    return awards
