"""Reads and access rules of proficiency testing, including the confidential participant key."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import can_write_region, has_role, region_id_of_user
from ticcoop.accounts.roles import Role
from ticcoop.methods.decimals import round_half_up
from ticcoop.methods.iso13528 import PerformanceHistory, performance_history
from ticcoop.proficiency.models import (
    ActionStatus,
    CorrectiveAction,
    Dispatch,
    EvaluationRun,
    Extension,
    Instructions,
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


# --- The provider's workflow (instructions, dispatch records, extensions) ----------------------


def current_instructions(round_: Round) -> Instructions | None:
    return round_.instructions.order_by("-version").first()


def may_read_instructions(user: Any, round_: Round) -> bool:
    """Enrolled participants (their institution's users) and the organising region."""
    return is_organiser(user, round_) or own_participant(user, round_) is not None


def round_dispatches(round_: Round) -> QuerySet[Dispatch]:
    return (
        Dispatch.objects.filter(participant__round=round_)
        .select_related("participant__institution")
        .order_by("participant__code", "pk")
    )


def latest_extension(participant: Participant) -> Extension | None:
    """The grant that counts for a participant: the latest one."""
    return participant.extensions.order_by("-pk").first()


def running_extensions(round_: Round, moment: Any) -> list[Extension]:
    """Latest grants per participant of ``round_`` that still run at ``moment``."""
    latest = (
        Extension.objects.filter(participant__round=round_)
        .values("participant")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    rows = Extension.objects.filter(pk__in=list(latest), until__gte=moment)
    return list(rows.select_related("participant").order_by("participant__code"))


@dataclass(frozen=True)
class DispatchSummary:
    participants: int
    dispatched: int  # participants with at least one shipment
    confirmed: int  # whose latest shipment is confirmed
    damaged: int  # whose latest shipment arrived damaged


def dispatch_summary(round_: Round) -> DispatchSummary:
    latest: dict[int, Dispatch] = {}
    for record in Dispatch.objects.filter(participant__round=round_).order_by("pk"):
        latest[record.participant_id] = record
    return DispatchSummary(
        participants=round_.participants.count(),
        dispatched=len(latest),
        confirmed=sum(1 for d in latest.values() if d.confirmed),
        damaged=sum(1 for d in latest.values() if d.condition == "damaged"),
    )


def round_extensions(round_: Round) -> QuerySet[Extension]:
    return (
        Extension.objects.filter(participant__round=round_)
        .select_related("participant", "granted_by")
        .order_by("-pk")
    )


def lab_dispatches(institution: Institution) -> dict[int, list[Dispatch]]:
    """Shipments to ``institution`` by participant id, oldest first."""
    found: dict[int, list[Dispatch]] = {}
    rows = Dispatch.objects.filter(participant__institution=institution).order_by("pk")
    for record in rows:
        found.setdefault(record.participant_id, []).append(record)
    return found


def _printed(row: dict[str, Any] | None, key: str, fallback: float | None) -> str:
    """A score as the report prints it (two decimals half-up of the exact decimals,
    docs/methods/iso13528.md "Printed scores"); '—' where there is none."""
    value = row.get(f"{key}_printed") if row else None
    if value is not None:
        return str(value)
    if fallback is None or not math.isfinite(fallback):
        return "—"
    return str(round_half_up(fallback, 2))


def printed_scores(score: Score) -> dict[str, str]:
    """z and z′ of one stored score as printed in the round's report and letter."""
    rows = score.evaluation.outputs.get("rows", [])
    code = score.participant.code
    row = next((r for r in rows if r.get("code") == code), None)
    return {"z": _printed(row, "z", score.z), "z_prime": _printed(row, "z_prime", score.z_prime)}
