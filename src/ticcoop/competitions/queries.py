"""Reads of competitions and who may see what (the key of anonymous numbers, breakdowns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import can_write_region, has_role, region_id_of_user
from ticcoop.accounts.roles import Role
from ticcoop.competitions.models import (
    Appeal,
    Award,
    Competition,
    CompetitionStatus,
    Contestant,
    ContestantStatus,
    Judge,
    JudgeScore,
    Result,
    Stage,
    StageNumber,
)
from ticcoop.methods import points
from ticcoop.registry.models import Institution
from ticcoop.registry.queries import institution_of_user as institution_of
from ticcoop.trust.queries import SignatureInvalid, signature_problem, verify_token


def has_valid_certificate(institution: Institution) -> bool | None:
    """True/False from the certificates registry; None when that registry is unavailable."""
    try:
        from ticcoop.certificates.models import Certificate, CertificateStatus
    except ImportError:  # pragma: no cover - the certificates app is optional here
        return None
    valid = Certificate.objects.in_status(CertificateStatus.VALID)
    return bool(valid.filter(institution=institution).exists())


def is_organiser(user: Any, competition: Competition) -> bool:
    return can_write_region(user, competition.organiser_region_id)


def visible_competitions(user: Any) -> models.QuerySet[Competition]:
    """Everyone sees announced competitions; drafts only in their organiser region."""
    qs = Competition.objects.select_related("organiser_region")
    drafts = models.Q(status=CompetitionStatus.DRAFT)
    if getattr(user, "is_superuser", False):
        return qs
    if has_role(user, Role.REGULATOR):
        return qs.filter(~drafts | models.Q(organiser_region_id=region_id_of_user(user)))
    return qs.exclude(drafts)


def contestants_for(user: Any, competition: Competition) -> models.QuerySet[Contestant]:
    """Registrations a user may list: organiser all, regulator their region's, institution own."""
    qs = competition.contestants.select_related("institution", "region", "discipline")
    if is_organiser(user, competition):
        return qs
    if has_role(user, Role.REGULATOR):
        return qs.filter(region_id=region_id_of_user(user) or 0)
    institution = institution_of(user)
    if institution is not None:
        return qs.filter(institution=institution)
    return qs.none()


def pending_for_regulator(user: Any, competition: Competition) -> models.QuerySet[Contestant]:
    """Registrations waiting for this regulator's decision (their region's institutions)."""
    qs = competition.contestants.filter(status=ContestantStatus.PENDING).select_related(
        "institution", "discipline", "region"
    )
    if getattr(user, "is_superuser", False):
        return qs
    if not has_role(user, Role.REGULATOR):
        return qs.none()
    return qs.filter(region_id=region_id_of_user(user) or 0)


def may_view_breakdown(user: Any, contestant: Contestant) -> bool:
    """The organiser always; the contestant's institution once the scores are confirmed."""
    competition = contestant.competition
    if is_organiser(user, competition):
        return True
    return institution_of(user) == contestant.institution and competition.reached(
        CompetitionStatus.SCORES_CONFIRMED
    )


def may_see_key(user: Any, competition: Competition) -> bool:
    """The mapping anonymous number → contestant stays with the organiser."""
    return is_organiser(user, competition)


def stage_numbers(contestant: Contestant) -> dict[str, str]:
    return dict(StageNumber.objects.filter(contestant=contestant).values_list("stage", "number"))


def published_results(competition: Competition) -> models.QuerySet[Result]:
    """Results on the public portal: only after the organiser published them."""
    if competition.status != CompetitionStatus.RESULTS_PUBLISHED:
        return Result.objects.none()
    return Result.objects.filter(contestant__competition=competition).select_related(
        "contestant__discipline",
        "contestant__institution",
        "contestant__region",
        "contestant__award",
    )


def unanswered_appeals(competition: Competition) -> models.QuerySet[Appeal]:
    return Appeal.objects.filter(contestant__competition=competition, answered_at__isnull=True)


def award_by_number(number: str) -> Award | None:
    return (
        Award.objects.select_related("contestant__competition__organiser_region")
        .filter(number=number)
        .first()
    )


@dataclass(frozen=True)
class AwardCheck:
    """Outcome of checking an award token: signature, then the platform's record."""

    valid: bool
    error: str = ""  # for API clients (the method's English reason)
    problem: str = ""  # the same for pages, as a Chinese sentence
    fields: dict[str, Any] = field(default_factory=dict)
    issuer: str = ""
    award: Award | None = None


def check_award_token(token: str) -> AwardCheck:
    """Verify the signature with the published keys (ticcoop.trust) and find the award."""
    try:
        verified = verify_token(token)
    except SignatureInvalid as exc:
        return AwardCheck(valid=False, error=str(exc), problem=signature_problem(exc))
    fields = dict(verified.fields)
    if fields.get("typ") != "competition-award":
        return AwardCheck(
            valid=False,
            error="not an award token",
            problem=_("签名有效，但这不是技能比武获奖证书的令牌。"),
            fields=fields,
        )
    award = award_by_number(str(fields.get("no", "")))
    if award is not None and award.token != token:
        award = None
    return AwardCheck(valid=True, fields=fields, issuer=verified.issuer, award=award)


def breakdown(contestant: Contestant) -> dict[str, Any]:
    """Everything a contestant's institution may see about their scores."""
    result = Result.objects.filter(contestant=contestant).first()
    return {
        "contestant": contestant,
        "result": result,
        "detail": result.detail if result else {},
        "numbers": stage_numbers(contestant),
        "stage_labels": {stage.value: str(stage.label) for stage in Stage},
        "appeals": list(contestant.appeals.all()),
    }


# ---------------------------------------------------------------------------
# Judges: who scores, whom they must step aside for, their score sheet
# ---------------------------------------------------------------------------


def z_rule_lines(rule: points.ZPointsRule) -> list[str]:
    """The published z-to-points rule in words: ``describe()`` of the method writes its last
    case as "otherwise → 0"; the page says it in the page language."""
    lines = rule.describe()
    if rule.kind == "steps":
        lines[-1] = _("其他 → %(points)s") % {"points": f"{rule.otherwise:g}"}
    return lines


def judge_ties(judge: Judge) -> points.Judge:
    """A judge's ties as the published rule sees them (employer institution, region)."""
    expert = judge.expert
    employer = str(expert.employer_id) if expert.employer_id else None
    return points.Judge(str(judge.pk), employer, str(expert.region_id))


def exclusion_reason(judge: Judge, contestant: Contestant, rule: str) -> str:
    """Why ``judge`` must step aside (回避) for ``contestant``; empty when they may judge.

    The rule is :func:`ticcoop.methods.points.judge_excluded`; this only words the reason.
    """
    ties = judge_ties(judge)
    institution, region = str(contestant.institution_id), str(contestant.region_id)
    if not points.judge_excluded(ties, institution, region, rule):
        return ""
    if ties.institution == institution:
        return _("评委与该选手同属一个机构")
    return _("评委与该选手同属一个地区，本次比武回避本地区评委")


def is_judge_user(user: Any, judge: Judge) -> bool:
    """The login linked to the judge's expert record scores for that judge."""
    return bool(
        getattr(user, "is_authenticated", False)
        and judge.expert.user_id is not None
        and judge.expert.user_id == user.pk
    )


def may_use_sheet(user: Any, judge: Judge) -> bool:
    """The judge themself, or the organiser entering a paper sheet on their behalf."""
    return is_judge_user(user, judge) or is_organiser(user, judge.competition)


def judges_of_user(user: Any) -> models.QuerySet[Judge]:
    """The judge assignments of the logged-in user (through their expert record)."""
    if not getattr(user, "is_authenticated", False):
        return Judge.objects.none()
    return Judge.objects.filter(expert__user=user).select_related(
        "competition__organiser_region", "discipline", "expert"
    )


@dataclass(frozen=True)
class SheetRow:
    """One line of a judge's score sheet: anonymous operation number only, never the name."""

    number: str
    excluded: str
    latest: JudgeScore | None
    records: int


def judge_sheet(judge: Judge) -> list[SheetRow]:
    """The contestants of the judge's discipline by operation number, with recusal and the
    judge's latest score (append-only records: the latest counts)."""
    rows = (
        StageNumber.objects.filter(
            competition_id=judge.competition_id,
            stage=Stage.OPERATION,
            contestant__discipline_id=judge.discipline_id,
            contestant__status=ContestantStatus.CONFIRMED,
        )
        .select_related("contestant")
        .order_by("number")
    )
    latest: dict[int, JudgeScore] = {}
    counts: dict[int, int] = {}
    for score in JudgeScore.objects.filter(judge=judge).order_by("pk"):
        latest[score.contestant_id] = score
        counts[score.contestant_id] = counts.get(score.contestant_id, 0) + 1
    rule = judge.competition.judge_exclusion
    return [
        SheetRow(
            row.number,
            exclusion_reason(judge, row.contestant, rule),
            latest.get(row.contestant_id),
            counts.get(row.contestant_id, 0),
        )
        for row in rows
    ]
