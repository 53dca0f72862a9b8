"""Scoring rules of skills competitions (技能比武): pure functions anyone can re-run.

Every figure a competition publishes is computed here, from the published rules and the
recorded scores; docs/methods/competition-scoring.md explains each rule with examples.

* blind-sample measurement (盲样检测): ISO 13528:2022 z-scores (9.4) against an assigned
  value (participants' robust mean by Algorithm A, 7.7 / C.3.1, or a given reference value,
  7.4) and sigma_pt (robust SD of this round 8.6, or a fixed value / percent of x_pt, 8.2),
  turned into points by a published mapping (:class:`ZPointsRule`);
* judged practical operation (实操评审): judges of the contestant's own institution (or
  region) are excluded (回避), the stage score is the mean of the remaining judges' scores
  with the highest and the lowest dropped when at least five judges scored (trimmed mean);
* total = weighted sum of the three stage scores, weights sum to 1;
* ranking with a fully determined tie-break, medals by cumulative shares, team rankings.

All published figures are rounded half-up to two decimals (:func:`round2`) and the
ranking compares the rounded figures, so equal published totals are ties for the tie-break.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from ticcoop.methods.iso13528 import (
    StatisticsInputError,
    from_certified_value,
    from_participants,
    sigma_fitness_for_purpose,
    sigma_robust_sd,
    z_score,
)

__all__ = [
    "DEFAULT_Z_RULE",
    "MIN_JUDGES_FOR_TRIM",
    "STAGES",
    "BlindScoring",
    "Judge",
    "OperationScore",
    "PointsInputError",
    "RankEntry",
    "Ranked",
    "TeamRow",
    "ZPointsRule",
    "ZStep",
    "assign_medals",
    "check_weights",
    "judge_excluded",
    "medal_counts",
    "operation_score",
    "rank_entries",
    "round2",
    "score_blind_samples",
    "team_ranking",
    "trimmed_mean",
    "weighted_total",
    "z_points",
]

#: The three stages, in the order of the published tables.
STAGES: tuple[str, ...] = ("theory", "blind", "operation")
#: The trimmed mean drops the highest and lowest score from this many judges on.
MIN_JUDGES_FOR_TRIM = 5
MAX_POINTS = 100.0
WEIGHT_TOLERANCE = 1e-9

ExclusionRule = Literal["institution", "region"]
SigmaRule = Literal["robust-sd", "fixed", "percent"]
MEDALS: tuple[str, ...] = ("gold", "silver", "bronze")


class PointsInputError(ValueError):
    """Invalid scoring input; the message says which value and why."""


def round2(value: float) -> float:
    """Round half-up to two decimals on the decimal representation (79.995 → 80.0)."""
    if not math.isfinite(value):
        raise PointsInputError(f"value must be finite, got {value!r}")
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _score(value: float, what: str) -> float:
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise PointsInputError(f"{what} must be a finite number, got {value!r}")
    if not 0 <= value <= MAX_POINTS:
        raise PointsInputError(f"{what} must be between 0 and 100, got {value!r}")
    return float(value)


# ---------------------------------------------------------------------------
# z-scores to points
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ZStep:
    """|z| ≤ bound (or < bound when not inclusive) earns ``points``."""

    bound: float
    points: float
    inclusive: bool = True

    def covers(self, abs_z: float) -> bool:
        return abs_z <= self.bound if self.inclusive else abs_z < self.bound


@dataclass(frozen=True)
class ZPointsRule:
    """The published mapping from a z-score to stage points (0–100).

    ``steps``: the first step whose bound covers |z| gives the points, ``otherwise`` if none.
    ``linear``: 100 points for |z| ≤ full_at, 0 for |z| ≥ zero_at, linear in between.
    """

    kind: Literal["steps", "linear"] = "steps"
    steps: tuple[ZStep, ...] = ()
    otherwise: float = 0.0
    full_at: float = 1.0
    zero_at: float = 3.0

    def __post_init__(self) -> None:
        if self.kind == "steps":
            if not self.steps:
                raise PointsInputError("a step rule needs at least one step")
            previous = -1.0
            for index, step in enumerate(self.steps, start=1):
                if not step.bound > previous:
                    raise PointsInputError(f"step {index}: bounds must increase, got {step.bound}")
                _score(step.points, f"step {index} points")
                previous = step.bound
            _score(self.otherwise, "points beyond the last step")
        elif self.kind == "linear":
            if not 0 <= self.full_at < self.zero_at or not math.isfinite(self.zero_at):
                raise PointsInputError(
                    f"linear rule needs 0 <= full_at < zero_at, got {self.full_at}, {self.zero_at}"
                )
        else:
            raise PointsInputError(f"rule kind must be 'steps' or 'linear', got {self.kind!r}")

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "linear":
            return {"kind": "linear", "full_at": self.full_at, "zero_at": self.zero_at}
        return {
            "kind": "steps",
            "steps": [[s.bound, s.points, s.inclusive] for s in self.steps],
            "otherwise": self.otherwise,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ZPointsRule:
        """Inverse of :meth:`to_dict`; raises PointsInputError naming the bad part."""
        if not isinstance(data, Mapping):
            raise PointsInputError("the z-to-points rule must be an object")
        kind = data.get("kind", "steps")
        try:
            if kind == "linear":
                return cls("linear", full_at=float(data["full_at"]), zero_at=float(data["zero_at"]))
            steps = tuple(
                ZStep(float(row[0]), float(row[1]), bool(row[2]) if len(row) > 2 else True)
                for row in data["steps"]
            )
            return cls("steps", steps, float(data.get("otherwise", 0.0)))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            if isinstance(exc, PointsInputError):
                raise
            raise PointsInputError(f"malformed z-to-points rule: {exc!r}") from exc

    def describe(self) -> list[str]:
        """One human-readable line per case, as printed in the published rules."""
        if self.kind == "linear":
            return [
                f"|z| ≤ {self.full_at:g} → 100",
                f"{self.full_at:g} < |z| < {self.zero_at:g} → 100 × ({self.zero_at:g} − |z|)"
                f" / {self.zero_at - self.full_at:g}",
                f"|z| ≥ {self.zero_at:g} → 0",
            ]
        lines = [
            f"|z| {'≤' if s.inclusive else '<'} {s.bound:g} → {s.points:g}" for s in self.steps
        ]
        return [*lines, f"otherwise → {self.otherwise:g}"]


DEFAULT_Z_RULE = ZPointsRule(
    "steps", (ZStep(1.0, 100.0), ZStep(2.0, 80.0), ZStep(3.0, 60.0, inclusive=False)), 0.0
)


def z_points(z: float, rule: ZPointsRule = DEFAULT_Z_RULE) -> float:
    """Points for one z-score under ``rule`` (unrounded)."""
    if not math.isfinite(z):
        raise PointsInputError(f"z must be finite, got {z!r}")
    abs_z = abs(z)
    if rule.kind == "linear":
        if abs_z <= rule.full_at:
            return MAX_POINTS
        if abs_z >= rule.zero_at:
            return 0.0
        return MAX_POINTS * (rule.zero_at - abs_z) / (rule.zero_at - rule.full_at)
    for step in rule.steps:
        if step.covers(abs_z):
            return step.points
    return rule.otherwise


@dataclass(frozen=True)
class BlindScoring:
    """Assigned value, sigma_pt, and each contestant's z-score and points."""

    x_pt: float
    sigma_pt: float
    assigned_source: str
    sigma_source: str
    z: dict[str, float]
    points: dict[str, float]


def score_blind_samples(
    results: Mapping[str, float],
    *,
    rule: ZPointsRule = DEFAULT_Z_RULE,
    reference_value: float | None = None,
    sigma_rule: SigmaRule | str = "robust-sd",
    sigma_value: float | None = None,
) -> BlindScoring:
    """Score blind-sample results (ISO 13528:2022 7.4/7.7, 8.2/8.6, 9.4).

    x_pt is ``reference_value`` when given (7.4, a reference material's value), otherwise
    the robust mean x* of the results by Algorithm A (7.7, C.3.1).  sigma_pt is the robust
    SD s* of these results (8.6, "robust-sd"), ``sigma_value`` ("fixed", 8.2) or
    ``sigma_value`` percent of |x_pt| ("percent", 8.2).  z = (x − x_pt)/sigma_pt (9.4)
    and points = :func:`z_points` rounded to two decimals; z is rounded to two decimals
    before the mapping, as published.
    """
    if not results:
        raise PointsInputError("no blind-sample results to score")
    keys = list(results)
    values = [float(results[k]) for k in keys]
    try:
        estimate = None
        if reference_value is not None:
            assigned = from_certified_value(reference_value, 0.0)
        else:
            assigned = from_participants(values)
            estimate = assigned.robust
        if sigma_rule == "robust-sd":
            robust = estimate or from_participants(values).robust
            if robust is None:
                raise PointsInputError("no robust estimate for sigma_pt")
            sigma = sigma_robust_sd(robust)
        elif sigma_rule == "fixed":
            sigma = sigma_fitness_for_purpose(value=_required(sigma_value, "sigma_value"))
        elif sigma_rule == "percent":
            percent = _required(sigma_value, "sigma_value")
            sigma = sigma_fitness_for_purpose(percent=percent, x_pt=assigned.x_pt)
        else:
            raise PointsInputError(f"unknown sigma_pt rule {sigma_rule!r}")
        zs = z_score(values, assigned.x_pt, sigma.value)
    except StatisticsInputError as exc:
        raise PointsInputError(str(exc)) from exc
    z = {k: round2(float(v)) for k, v in zip(keys, zs, strict=True)}
    points = {k: round2(z_points(z[k], rule)) for k in keys}
    return BlindScoring(assigned.x_pt, sigma.value, assigned.source, sigma.source, z, points)


def _required(value: float | None, name: str) -> float:
    if value is None:
        raise PointsInputError(f"{name} is required by this sigma_pt rule")
    return float(value)


# ---------------------------------------------------------------------------
# Judged practical operation
# ---------------------------------------------------------------------------


def trimmed_mean(scores: Iterable[float], min_for_trim: int = MIN_JUDGES_FOR_TRIM) -> float:
    """Mean of the scores, dropping one highest and one lowest when n ≥ ``min_for_trim``."""
    values = sorted(_score(v, f"judge score {i}") for i, v in enumerate(scores, start=1))
    if not values:
        raise PointsInputError("no judge scores")
    if len(values) >= min_for_trim:
        values = values[1:-1]
    return math.fsum(values) / len(values)


@dataclass(frozen=True)
class Judge:
    """A judge's ties: the institution they work for (if any) and their region."""

    id: str
    institution: str | None
    region: str


def judge_excluded(
    judge: Judge, contestant_institution: str, contestant_region: str, rule: ExclusionRule | str
) -> bool:
    """Recusal (回避): same institution always; same region too under rule "region"."""
    if rule not in ("institution", "region"):
        raise PointsInputError(f"exclusion rule must be 'institution' or 'region', got {rule!r}")
    if judge.institution is not None and judge.institution == contestant_institution:
        return True
    return rule == "region" and judge.region == contestant_region


@dataclass(frozen=True)
class OperationScore:
    score: float
    counted: tuple[str, ...]
    excluded: tuple[str, ...]
    trimmed: bool


def operation_score(
    scores: Mapping[str, float],
    judges: Mapping[str, Judge],
    contestant_institution: str,
    contestant_region: str,
    rule: ExclusionRule | str = "institution",
) -> OperationScore:
    """Stage score of one contestant from ``scores`` (judge id → 0–100 rubric total).

    Scores of excluded judges are ignored (and listed), the rest are averaged with
    :func:`trimmed_mean`; the result is rounded to two decimals.
    """
    counted, excluded = [], []
    for judge_id in sorted(scores):
        judge = judges.get(judge_id)
        if judge is None:
            raise PointsInputError(f"score by unknown judge {judge_id!r}")
        if judge_excluded(judge, contestant_institution, contestant_region, rule):
            excluded.append(judge_id)
        else:
            counted.append(judge_id)
    if not counted:
        raise PointsInputError("no eligible judge scored this contestant")
    values = [scores[j] for j in counted]
    trimmed = len(values) >= MIN_JUDGES_FOR_TRIM
    return OperationScore(round2(trimmed_mean(values)), tuple(counted), tuple(excluded), trimmed)


# ---------------------------------------------------------------------------
# Totals, ranking, medals, teams
# ---------------------------------------------------------------------------


def check_weights(weights: Mapping[str, float]) -> None:
    """Weights: one per stage, each in [0, 1], summing to 1 (within 1e-9)."""
    if set(weights) != set(STAGES):
        raise PointsInputError(f"weights must be given for exactly {STAGES}, got {sorted(weights)}")
    for stage, weight in weights.items():
        if not 0 <= weight <= 1:
            raise PointsInputError(f"weight of {stage} must be between 0 and 1, got {weight}")
    total = math.fsum(weights.values())
    if abs(total - 1) > WEIGHT_TOLERANCE:
        raise PointsInputError(f"weights must sum to 1, they sum to {total:g}")


def weighted_total(stage_scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Σ weight × stage score over the three stages, rounded to two decimals."""
    check_weights(weights)
    missing = [s for s in STAGES if s not in stage_scores]
    if missing:
        raise PointsInputError(f"missing stage scores: {', '.join(missing)}")
    parts = [weights[s] * _score(stage_scores[s], f"{s} score") for s in STAGES]
    return round2(math.fsum(parts))


@dataclass(frozen=True)
class RankEntry:
    """What the ranking looks at; ``theory_submitted`` is a timestamp (None = never)."""

    number: str
    total: float
    operation: float
    blind: float
    theory_submitted: float | None = None


@dataclass(frozen=True)
class Ranked:
    rank: int
    entry: RankEntry
    medal: str | None = None


def _rank_key(entry: RankEntry) -> tuple[float, float, float, float, str]:
    submitted = math.inf if entry.theory_submitted is None else entry.theory_submitted
    return (-entry.total, -entry.operation, -entry.blind, submitted, entry.number)


def rank_entries(entries: Iterable[RankEntry]) -> list[Ranked]:
    """Individual ranking: higher total first; ties broken by, in order,

    1. higher practical-operation score, 2. higher blind-sample score,
    3. earlier theory-test submission, 4. smaller contestant number.
    The order is total: every contestant gets a distinct rank 1..n.
    """
    ordered = sorted(entries, key=_rank_key)
    numbers = [e.number for e in ordered]
    if len(set(numbers)) != len(numbers):
        raise PointsInputError("contestant numbers must be unique")
    return [Ranked(position, entry) for position, entry in enumerate(ordered, start=1)]


def _round_half_up(value: float) -> int:
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def medal_counts(n: int, gold: float, silver: float, bronze: float) -> tuple[int, int, int]:
    """Medals among ``n`` ranked contestants by cumulative shares rounded half-up.

    gold = R(n·g); silver = R(n·(g+s)) − gold; bronze = R(n·(g+s+b)) − gold − silver, where R
    rounds half-up; cumulative rounding keeps the total equal to R(n·(g+s+b)).
    """
    if n < 0:
        raise PointsInputError(f"n must be >= 0, got {n}")
    shares = (gold, silver, bronze)
    if any(not 0 <= s <= 1 for s in shares) or math.fsum(shares) > 1 + WEIGHT_TOLERANCE:
        raise PointsInputError(f"medal shares must be in [0, 1] and sum to <= 1, got {shares}")
    # Shares are decimals (0.1, 0.2 …): add them as decimals so 0.1 + 0.2 is exactly 0.3.
    cumulative, running = [], Decimal(0)
    for share in shares:
        running += Decimal(repr(share))
        cumulative.append(_round_half_up(float(running * n)))
    g, gs, gsb = cumulative
    return g, gs - g, gsb - gs


def assign_medals(
    ranked: Sequence[Ranked], gold: float, silver: float, bronze: float
) -> list[Ranked]:
    """Copy of ``ranked`` (in rank order) with medals by :func:`medal_counts`."""
    counts = medal_counts(len(ranked), gold, silver, bronze)
    medals: list[str | None] = []
    for medal, count in zip(MEDALS, counts, strict=True):
        medals.extend([medal] * count)
    medals.extend([None] * (len(ranked) - len(medals)))
    return [Ranked(r.rank, r.entry, m) for r, m in zip(ranked, medals, strict=True)]


@dataclass(frozen=True)
class TeamRow:
    rank: int
    team: str
    score: float
    counted: int
    best: float = field(default=0.0)


def team_ranking(members: Mapping[str, Sequence[float]], best_n: int) -> list[TeamRow]:
    """Team (institution or region) ranking: team score = mean of its best ``best_n`` totals.

    A team with fewer than ``best_n`` contestants counts the missing places as 0, so the
    divisor is always ``best_n`` (small teams are not favoured).  Ties: higher best single
    total, then team key.  Score rounded to two decimals.
    """
    if best_n < 1:
        raise PointsInputError(f"best_n must be >= 1, got {best_n}")
    rows = []
    for team, totals in members.items():
        best = sorted((_score(t, f"total of {team}") for t in totals), reverse=True)[:best_n]
        if not best:
            continue
        rows.append((round2(math.fsum(best) / best_n), best[0], team, len(best)))
    rows.sort(key=lambda row: (-row[0], -row[1], row[2]))
    return [
        TeamRow(position, team, score, counted, top)
        for position, (score, top, team, counted) in enumerate(rows, start=1)
    ]
