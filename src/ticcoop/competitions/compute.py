"""From the recorded scores to stage scores, totals, ranks and medals (no writes).

Reads the latest record of every contestant (and judge) and runs the published rules of
ticcoop.methods.points; docs/methods/competition-scoring.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ticcoop.competitions.models import (
    BlindResult,
    Competition,
    Contestant,
    ContestantStatus,
    Discipline,
    JudgeScore,
    Result,
    Stage,
    StageNumber,
    TheoryScore,
)
from ticcoop.competitions.queries import judge_ties
from ticcoop.methods import points


@dataclass
class DisciplineOutcome:
    discipline: Discipline
    results: list[Result] = field(default_factory=list)
    blind: dict[str, Any] = field(default_factory=dict)


def _latest(records: Any) -> dict[Any, Any]:
    """Latest record per key: records ordered by pk, later ones overwrite earlier ones."""
    out: dict[Any, Any] = {}
    for key, record in records:
        out[key] = record
    return out


def _judge_ties(discipline: Discipline) -> dict[str, points.Judge]:
    return {str(j.pk): judge_ties(j) for j in discipline.judges.select_related("expert")}


def score_blind(
    competition: Competition, discipline: Discipline, values: dict[str, float]
) -> points.BlindScoring:
    """x_pt, sigma_pt, z and points of the discipline's blind-sample results (ISO 13528:2022
    7.4/7.7, 8.2/8.6, 9.4 through :func:`ticcoop.methods.points.score_blind_samples`)."""
    return points.score_blind_samples(
        values,
        rule=competition.points_rule(),
        reference_value=discipline.reference_value,
        sigma_rule=discipline.sigma_rule,
        sigma_value=discipline.sigma_value,
    )


def compute_discipline(competition: Competition, discipline: Discipline) -> DisciplineOutcome:
    """Unsaved Result rows of one discipline; ValidationError lists every missing score."""
    contestants = {
        c.pk: c
        for c in discipline.contestants.filter(status=ContestantStatus.CONFIRMED).select_related(
            "institution", "region"
        )
    }
    outcome = DisciplineOutcome(discipline)
    if not contestants:
        return outcome
    ids = list(contestants)
    theory = _latest(
        (r.contestant_id, r)
        for r in TheoryScore.objects.filter(contestant_id__in=ids).order_by("pk")
    )
    blind = _latest(
        (r.contestant_id, r)
        for r in BlindResult.objects.filter(contestant_id__in=ids).order_by("pk")
    )
    judged: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for (cid, jid), rec in _latest(
        ((r.contestant_id, r.judge_id), r)
        for r in JudgeScore.objects.filter(contestant_id__in=ids).order_by("pk")
    ).items():
        judged[cid][str(jid)] = rec.total
    missing = [
        f"{c.number or c.person_name}（{label}）"
        for cid, c in contestants.items()
        for label, present in (
            (_("理论"), cid in theory),
            (_("盲样"), cid in blind),
            (_("实操"), bool(judged.get(cid))),
        )
        if not present
    ]
    if missing:
        raise ValidationError(
            {
                "scores": _("项目「%(name)s」缺少成绩：%(list)s")
                % {"name": discipline.name, "list": "、".join(missing)}
            }
        )
    try:
        scored = score_blind(competition, discipline, {str(cid): blind[cid].value for cid in ids})
        judges = _judge_ties(discipline)
        rows = []
        for cid, contestant in contestants.items():
            operation = points.operation_score(
                judged[cid],
                judges,
                str(contestant.institution_id),
                str(contestant.region_id),
                competition.judge_exclusion,
            )
            # Exact decimals throughout (methods.points): the published figures are the rule's.
            stages = {
                "theory": theory[cid].score,
                "blind": scored.points[str(cid)],
                "operation": operation.score,
            }
            total = points.weighted_total(stages, discipline.weights())
            rows.append((contestant, stages, total, operation))
    except points.PointsInputError as exc:
        raise ValidationError(
            {
                "scores": _("项目「%(name)s」无法计算成绩：%(error)s")
                % {"name": discipline.name, "error": exc}
            }
        ) from exc
    by_number = {c.number or str(c.pk): (c, stages, total, op) for c, stages, total, op in rows}
    entries = [
        points.RankEntry(
            number, total, stages["operation"], stages["blind"], _timestamp(theory[c.pk])
        )
        for number, (c, stages, total, _op) in by_number.items()
    ]
    ranked = points.assign_medals(
        points.rank_entries(entries),
        competition.gold_share,
        competition.silver_share,
        competition.bronze_share,
    )
    outcome.blind = {
        "x_pt": scored.x_pt,
        "sigma_pt": scored.sigma_pt,
        "assigned_source": scored.assigned_source,
        "sigma_source": scored.sigma_source,
    }
    for item in ranked:
        contestant, stages, total, operation = by_number[item.entry.number]
        outcome.results.append(
            Result(
                contestant=contestant,
                theory=points.round2(stages["theory"]),
                blind=stages["blind"],
                blind_z=float(scored.z[str(contestant.pk)]),
                operation=stages["operation"],
                total=total,
                rank=item.rank,
                medal=item.medal or "",
                detail={
                    "blind_value": blind[contestant.pk].value,
                    **outcome.blind,
                    "judges_counted": len(operation.counted),
                    "judges_excluded": len(operation.excluded),
                    "judge_scores": [float(judged[contestant.pk][j]) for j in operation.counted],
                    "trimmed": operation.trimmed,
                    "weights": discipline.weights(),
                },
            )
        )
    return outcome


def _timestamp(record: TheoryScore) -> float | None:
    return record.submitted_at.timestamp() if record.submitted_at else None


def compute_competition(competition: Competition) -> list[DisciplineOutcome]:
    """Every discipline; one ValidationError collecting every discipline's problems."""
    outcomes, problems = [], []
    for discipline in competition.disciplines.all():
        try:
            outcomes.append(compute_discipline(competition, discipline))
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError({"scores": problems})
    return outcomes


def team_rankings(competition: Competition, results: list[Result]) -> dict[str, list[Any]]:
    """Institution and region team rankings over all disciplines (mean of best N totals)."""
    by_institution: dict[str, list[Decimal]] = defaultdict(list)
    by_region: dict[str, list[Decimal]] = defaultdict(list)
    names: dict[str, str] = {}
    for result in results:
        contestant: Contestant = result.contestant
        inst_key = str(contestant.institution_id)
        region_key = contestant.region.code
        names[inst_key] = contestant.institution.name
        names[region_key] = contestant.region.name_zh
        by_institution[inst_key].append(result.total)
        by_region[region_key].append(result.total)
    n = competition.team_best_n
    return {
        "institutions": [(row, names[row.team]) for row in points.team_ranking(by_institution, n)],
        "regions": [(row, names[row.team]) for row in points.team_ranking(by_region, n)],
    }


@dataclass(frozen=True)
class BlindRow:
    number: str
    value: float | None
    records: int
    z: Decimal | None
    points: Decimal | None


@dataclass(frozen=True)
class BlindSheet:
    """The organiser's view of one discipline's blind samples, scored on the results so far."""

    rows: list[BlindRow]
    scoring: points.BlindScoring | None
    error: str


def blind_sheet(competition: Competition, discipline: Discipline) -> BlindSheet:
    """Blind numbers with the latest result each and a trial scoring of the entered results
    (the same rule the confirmation uses; with consensus statistics the figures move as more
    results come in)."""
    numbers = StageNumber.objects.filter(
        competition=competition,
        stage=Stage.BLIND,
        contestant__discipline=discipline,
        contestant__status=ContestantStatus.CONFIRMED,
    ).order_by("number")
    latest: dict[int, BlindResult] = {}
    counts: dict[int, int] = defaultdict(int)
    for record in BlindResult.objects.filter(contestant__discipline=discipline).order_by("pk"):
        latest[record.contestant_id] = record
        counts[record.contestant_id] += 1
    values = {
        row.number: latest[row.contestant_id].value
        for row in numbers
        if row.contestant_id in latest
    }
    scoring, error = None, ""
    if values:
        try:
            scoring = score_blind(competition, discipline, values)
        except points.PointsInputError as exc:
            error = str(exc)
    rows = [
        BlindRow(
            row.number,
            values.get(row.number),
            counts[row.contestant_id],
            scoring.z.get(row.number) if scoring else None,
            scoring.points.get(row.number) if scoring else None,
        )
        for row in numbers
    ]
    return BlindSheet(rows, scoring, error)
