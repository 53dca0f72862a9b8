"""Reads and access rules of proficiency testing, including the confidential participant key."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import can_write_region, has_role, region_id_of_user
from ticcoop.accounts.roles import Role
from ticcoop.methods.iso13528 import PerformanceHistory, performance_history
from ticcoop.proficiency.models import (
    ActionStatus,
    CorrectiveAction,
    EvaluationRun,
    Measurand,
    Participant,
    Performance,
    Result,
    Round,
    RoundStatus,
    Score,
)
from ticcoop.registry.models import Institution
from ticcoop.registry.queries import institution_of_user as institution_of


def is_organiser(user: Any, round_: Round) -> bool:
    """Regulators of the organising region (the provider's side) and superusers."""
    return can_write_region(user, round_.scheme.organising_region_id)


def access_organiser(user: Any, round_: Round) -> None:
    if not is_organiser(user, round_):
        raise PermissionDenied(_("只有组织地区的监管人员可以执行此操作"))


def own_participant(user: Any, round_: Round) -> Participant | None:
    institution = institution_of(user)
    if institution is None:
        return None
    return round_.participants.filter(institution=institution).first()


def can_see_key(user: Any, participant: Participant) -> bool:
    """Code ↔ institution is known to the provider's region and to the institution itself."""
    if is_organiser(user, participant.round):
        return True
    institution = institution_of(user)
    return institution is not None and institution.pk == participant.institution_id


def participant_key(user: Any, round_: Round) -> list[Participant]:
    """The rows of the key this user may see (all, only its own, or none)."""
    rows = round_.participants.select_related("institution__region").order_by("code")
    if is_organiser(user, round_):
        return list(rows)
    own = own_participant(user, round_)
    return [own] if own is not None else []


def access_participant_write(user: Any, participant: Participant) -> None:
    """Results are entered by the institution itself or, on its behalf, by the organiser."""
    institution = institution_of(user)
    if institution is not None and institution.pk == participant.institution_id:
        return
    if is_organiser(user, participant.round):
        return
    raise PermissionDenied(_("只能为本机构填报结果"))


def latest_results(round_: Round) -> dict[tuple[int, int], Result]:
    """The version that counts for every (participant, measurand): the latest."""
    latest: dict[tuple[int, int], Result] = {}
    results = Result.objects.filter(participant__round=round_).order_by("version")
    for result in results.select_related("participant"):
        latest[(result.participant_id, result.measurand_id)] = result
    return latest


def current_run(round_: Round) -> EvaluationRun | None:
    return round_.evaluations.filter(superseded_at__isnull=True).order_by("-number").first()


def published_run(round_: Round) -> EvaluationRun | None:
    return round_.evaluations.filter(published_at__isnull=False).first()


def public_rounds() -> QuerySet[Round]:
    return Round.objects.select_related("scheme__organising_region").order_by("-results_due")


def published_rounds() -> QuerySet[Round]:
    return public_rounds().filter(status=RoundStatus.PUBLISHED)


def actions_for(user: Any) -> QuerySet[CorrectiveAction]:
    """Institution users see their own; regulators those of their region's institutions."""
    qs = CorrectiveAction.objects.select_related("institution", "round", "measurand")
    if getattr(user, "is_superuser", False) or has_role(user, Role.NATIONAL_OBSERVER):
        return qs
    institution = institution_of(user)
    if institution is not None:
        return qs.filter(institution=institution)
    region_id = region_id_of_user(user)
    if has_role(user, Role.REGULATOR) and region_id is not None:
        return qs.filter(institution__region_id=region_id)
    return qs.none()


def open_actions(qs: QuerySet[CorrectiveAction]) -> QuerySet[CorrectiveAction]:
    return qs.exclude(status=ActionStatus.CLOSED)


def overdue_actions(qs: QuerySet[CorrectiveAction]) -> QuerySet[CorrectiveAction]:
    today = timezone.localdate()
    return qs.filter(status=ActionStatus.OPEN, due_date__lt=today)


def access_action_answer(user: Any, action: CorrectiveAction) -> None:
    institution = institution_of(user)
    if institution is None or institution.pk != action.institution_id:
        raise PermissionDenied(_("只有该机构的用户可以答复整改"))


def may_close_action(user: Any, action: CorrectiveAction) -> bool:
    return can_write_region(user, action.institution.region_id)


def access_action_close(user: Any, action: CorrectiveAction) -> None:
    if not may_close_action(user, action):
        raise PermissionDenied(_("只有机构所在地区的监管人员可以关闭整改"))


@dataclass(frozen=True)
class HistoryPoint:
    round: Round
    z: float
    performance: str

    @property
    def performance_label(self) -> str:
        return str(Performance(self.performance).label)


@dataclass(frozen=True)
class MeasurandHistory:
    """One lab's scores for one measurand of a scheme across its published rounds."""

    institution: Institution
    measurand: Measurand
    points: list[HistoryPoint]
    stats: PerformanceHistory

    @property
    def drifting(self) -> bool:
        return bool(self.stats.warning)

    @property
    def rows(self) -> list[tuple[HistoryPoint, float, float]]:
        return list(zip(self.points, self.stats.cusum_high, self.stats.cusum_low, strict=True))


def _histories(scores: QuerySet[Score]) -> list[MeasurandHistory]:
    """Group published scores by (institution, measurand), oldest round first.

    The performance score is the one the round used (z or z′); unscored results (censored)
    are left out, so the drift rules count successive *scored* participations.
    """
    rows = (
        scores.filter(evaluation__run__published_at__isnull=False)
        .select_related("evaluation__measurand__scheme", "evaluation__run__round")
        .select_related("participant__institution__region")
        .order_by("evaluation__run__round__results_due", "pk")
    )
    groups: dict[tuple[int, int], list[HistoryPoint]] = {}
    keys: dict[tuple[int, int], tuple[Institution, Measurand]] = {}
    for score in rows:
        evaluation = score.evaluation
        z = score.z if evaluation.z_used == "z" else score.z_prime
        if z is None or not math.isfinite(z):
            continue
        institution = score.participant.institution
        key = (institution.pk, evaluation.measurand_id)
        keys.setdefault(key, (institution, evaluation.measurand))
        groups.setdefault(key, []).append(HistoryPoint(evaluation.run.round, z, score.performance))
    return [
        MeasurandHistory(*keys[key], points, performance_history([p.z for p in points]))
        for key, points in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    ]


def lab_history(institution: Institution) -> list[MeasurandHistory]:
    return _histories(Score.objects.filter(participant__institution=institution))


def drifting_labs(user: Any) -> list[MeasurandHistory]:
    """Labs with a current drift warning that this regulator oversees (all for national)."""
    scores = Score.objects.all()
    if not (getattr(user, "is_superuser", False) or has_role(user, Role.NATIONAL_OBSERVER)):
        region_id = region_id_of_user(user)
        if not has_role(user, Role.REGULATOR) or region_id is None:
            return []
        scores = scores.filter(participant__institution__region_id=region_id)
    return [h for h in _histories(scores) if h.drifting]


def open_rounds_for(institution: Institution) -> QuerySet[Round]:
    """Rounds still open for enrolment that the lab is not in, in the fields of its past
    rounds (all fields if it has never taken part)."""
    rounds = public_rounds().filter(
        status=RoundStatus.ENROLMENT, enrolment_deadline__gt=timezone.now()
    )
    rounds = rounds.exclude(participants__institution=institution)
    fields = set(
        Participant.objects.filter(institution=institution).values_list(
            "round__scheme__field", flat=True
        )
    )
    return rounds.filter(scheme__field__in=fields) if fields else rounds


def participations(institution: Institution) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(institution=institution)
        .select_related("round__scheme")
        .order_by("-round__results_due")
    )
