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

All published figures are computed **exactly in decimal** from the entered decimal values
(:func:`to_decimal`: a ``str``/``Decimal`` as given, a ``float`` through its shortest repr, so a
stored ``52.845`` means 52.845, not its binary neighbour), with divisions done in exact
rational arithmetic, and rounded half-up (away from zero on a tie) to two decimals
(:func:`round2`); they are returned as :class:`~decimal.Decimal`.  The ranking compares the
rounded figures, so equal published totals are ties for the tie-break.  Only Algorithm A
(x* and s*, an iteration that no rule rounds) runs in binary floats; its x_pt and sigma_pt
enter the z formula through their shortest repr, as they are stored and shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from ticcoop.methods.decimals import DecimalInputError, Number, exact_decimal, round_half_up
from ticcoop.methods.iso13528 import (
    StatisticsInputError,
    from_certified_value,
    from_participants,
    sigma_fitness_for_purpose,
    sigma_robust_sd,
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
    "round_half_up",
    "score_blind_samples",
    "team_ranking",
    "to_decimal",
    "trimmed_mean",
    "weighted_total",
    "z_points",
]

#: The three stages, in the order of the published tables.
STAGES: tuple[str, ...] = ("theory", "blind", "operation")
#: The trimmed mean drops the highest and lowest score from this many judges on.
MIN_JUDGES_FOR_TRIM = 5
MAX_POINTS = Decimal(100)

ExclusionRule = Literal["institution", "region"]
SigmaRule = Literal["robust-sd", "fixed", "percent"]
MEDALS: tuple[str, ...] = ("gold", "silver", "bronze")


class PointsInputError(ValueError):
    """Invalid scoring input; the message says which value and why."""


TWO_PLACES = 2


def to_decimal(value: Number, what: str = "value") -> Decimal:
    """The exact decimal a value stands for (:func:`ticcoop.methods.decimals.exact_decimal`:
    a ``float`` through its shortest repr, the decimal that was entered and stored)."""
    try:
        return exact_decimal(value, what)
    except DecimalInputError as exc:
        raise PointsInputError(str(exc)) from None


def round2(value: Number) -> Decimal:
    """Round half-up to two decimals on the decimal value (79.995 → 80.00, 2.675 → 2.68)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise PointsInputError(f"value must be finite, got {value!r}")
    return round_half_up(value, TWO_PLACES)


def _exact(value: Number, what: str) -> Fraction:
    return Fraction(to_decimal(value, what))


def _score(value: Number, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | Fraction | int | float | str):
        raise PointsInputError(f"{what} must be a finite number, got {value!r}")
    try:
        number = to_decimal(value, what)
    except PointsInputError:
        raise PointsInputError(f"{what} must be a finite number, got {value!r}") from None
    if not 0 <= number <= MAX_POINTS:
        raise PointsInputError(f"{what} must be between 0 and 100, got {value!r}")
    return number


# ---------------------------------------------------------------------------
# z-scores to points
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ZStep:
    """|z| ≤ bound (or < bound when not inclusive) earns ``points``."""

    bound: float
    points: float
    inclusive: bool = True

    def covers(self, abs_z: Number) -> bool:
        # Bounds are decimals as published (a float bound is read through its repr).
        bound, value = _exact(self.bound, "step bound"), _exact(abs_z, "|z|")
        return value <= bound if self.inclusive else value < bound


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


def z_points(z: Number, rule: ZPointsRule = DEFAULT_Z_RULE) -> Fraction:
    """Points for one z-score under ``rule``, exact (unrounded; a linear rule can give 1/3)."""
    abs_z = abs(_exact(z, "z"))
    if rule.kind == "linear":
        full_at, zero_at = _exact(rule.full_at, "full_at"), _exact(rule.zero_at, "zero_at")
        if abs_z <= full_at:
            return Fraction(MAX_POINTS)
        if abs_z >= zero_at:
            return Fraction(0)
        return Fraction(MAX_POINTS) * (zero_at - abs_z) / (zero_at - full_at)
    for step in rule.steps:
        if step.covers(abs_z):
            return _exact(step.points, "step points")
    return _exact(rule.otherwise, "points beyond the last step")


@dataclass(frozen=True)
class BlindScoring:
    """Assigned value, sigma_pt, and each contestant's z-score and points.

    ``x_pt``/``sigma_pt`` are floats for display and storage; ``x_pt_exact`` and
    ``sigma_pt_exact`` are the decimals the z formula used.  ``z`` and ``points`` are the
    published two-decimal figures."""

    x_pt: float
    sigma_pt: float
    assigned_source: str
    sigma_source: str
    z: dict[str, Decimal]
    points: dict[str, Decimal]
    x_pt_exact: Decimal = Decimal(0)
    sigma_pt_exact: Decimal = Decimal(0)


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
    computed exactly from the decimal results, x_pt and sigma_pt, rounded half-up to two
    decimals; the points are :func:`z_points` of that **published** z (so the points can
    be checked against the printed z), rounded to two decimals.  Only Algorithm A (a
    consensus x_pt, or sigma_pt = s*) is computed in floats; its figures enter the formula
    through their shortest repr.
    """
    if not results:
        raise PointsInputError("no blind-sample results to score")
    keys = list(results)
    exact = {k: to_decimal(results[k], f"result of {k}") for k in keys}
    values = [float(exact[k]) for k in keys]
    try:
        estimate = None
        if reference_value is not None:
            x_pt = to_decimal(reference_value, "reference_value")
            assigned = from_certified_value(float(x_pt), 0.0)
        else:
            assigned = from_participants(values)
            estimate = assigned.robust
            x_pt = to_decimal(float(assigned.x_pt), "x_pt")
        if sigma_rule == "robust-sd":
            robust = estimate or from_participants(values).robust
            if robust is None:
                raise PointsInputError("no robust estimate for sigma_pt")
            sigma = sigma_robust_sd(robust)
            sigma_exact = to_decimal(float(sigma.value), "sigma_pt")
        elif sigma_rule == "fixed":
            sigma_exact = _required(sigma_value, "sigma_value")
            sigma = sigma_fitness_for_purpose(value=float(sigma_exact))
        elif sigma_rule == "percent":
            percent = _required(sigma_value, "sigma_value")
            sigma = sigma_fitness_for_purpose(percent=float(percent), x_pt=float(x_pt))
            sigma_exact = percent * abs(x_pt) / 100
        else:
            raise PointsInputError(f"unknown sigma_pt rule {sigma_rule!r}")
    except StatisticsInputError as exc:
        raise PointsInputError(str(exc)) from exc
    if sigma_exact <= 0:
        raise PointsInputError(f"sigma_pt must be > 0, got {sigma_exact}")
    z = {k: round2((Fraction(exact[k]) - Fraction(x_pt)) / Fraction(sigma_exact)) for k in keys}
    points = {k: round2(z_points(z[k], rule)) for k in keys}
    return BlindScoring(
        float(x_pt),
        float(sigma_exact),
        assigned.source,
        sigma.source,
        z,
        points,
        x_pt,
        sigma_exact,
    )


def _required(value: Number | None, name: str) -> Decimal:
    if value is None:
        raise PointsInputError(f"{name} is required by this sigma_pt rule")
    return to_decimal(value, name)


# ---------------------------------------------------------------------------
# Judged practical operation
# ---------------------------------------------------------------------------


def trimmed_mean(scores: Iterable[Number], min_for_trim: int = MIN_JUDGES_FOR_TRIM) -> Fraction:
    """Mean of the scores, dropping one highest and one lowest when n ≥ ``min_for_trim``;
    exact (a Fraction: the mean of 70, 80, 81 is 231/3)."""
    values = sorted(_score(v, f"judge score {i}") for i, v in enumerate(scores, start=1))
    if not values:
        raise PointsInputError("no judge scores")
    if len(values) >= min_for_trim:
        values = values[1:-1]
    return sum((Fraction(v) for v in values), Fraction(0)) / len(values)


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
    score: Decimal
    counted: tuple[str, ...]
    excluded: tuple[str, ...]
    trimmed: bool


def operation_score(
    scores: Mapping[str, Number],
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


def check_weights(weights: Mapping[str, Number]) -> None:
    """Weights: one per stage, each a decimal in [0, 1], summing to exactly 1."""
    if set(weights) != set(STAGES):
        raise PointsInputError(f"weights must be given for exactly {STAGES}, got {sorted(weights)}")
    for stage, weight in weights.items():
        if not 0 <= to_decimal(weight, f"weight of {stage}") <= 1:
            raise PointsInputError(f"weight of {stage} must be between 0 and 1, got {weight}")
    # Decimal weights (0.3 + 0.3 + 0.4) add up exactly, so no tolerance is needed.
    total = sum((to_decimal(w) for w in weights.values()), Decimal(0))
    if total != 1:
        raise PointsInputError(f"weights must sum to 1, they sum to {total:f}")


def weighted_total(stage_scores: Mapping[str, Number], weights: Mapping[str, Number]) -> Decimal:
    """Σ weight × stage score over the three stages, exact, rounded half-up to two decimals
    (0.3 × 17.15 + 0.3 × 60 + 0.4 × 66.8 = 49.865 → 49.87)."""
    check_weights(weights)
    missing = [s for s in STAGES if s not in stage_scores]
    if missing:
        raise PointsInputError(f"missing stage scores: {', '.join(missing)}")
    parts = [
        Fraction(to_decimal(weights[s])) * Fraction(_score(stage_scores[s], f"{s} score"))
        for s in STAGES
    ]
    return round2(sum(parts, Fraction(0)))


@dataclass(frozen=True)
class RankEntry:
    """What the ranking looks at; ``theory_submitted`` is a timestamp (None = never)."""

    number: str
    total: Decimal | float
    operation: Decimal | float
    blind: Decimal | float
    theory_submitted: float | None = None


@dataclass(frozen=True)
class Ranked:
    rank: int
    entry: RankEntry
    medal: str | None = None


def _rank_key(entry: RankEntry) -> tuple[Decimal, Decimal, Decimal, float, str]:
    submitted = math.inf if entry.theory_submitted is None else entry.theory_submitted
    # Compare the published decimals, so totals printed as equal are a tie.
    total, operation, blind = (
        to_decimal(v, f"{what} of {entry.number}")
        for what, v in (
            ("total", entry.total),
            ("operation", entry.operation),
            ("blind", entry.blind),
        )
    )
    return (-total, -operation, -blind, submitted, entry.number)


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


def medal_counts(n: int, gold: Number, silver: Number, bronze: Number) -> tuple[int, int, int]:
    """Medals among ``n`` ranked contestants by cumulative shares rounded half-up.

    gold = R(n·g); silver = R(n·(g+s)) − gold; bronze = R(n·(g+s+b)) − gold − silver, where R
    rounds half-up; cumulative rounding keeps the total equal to R(n·(g+s+b)).
    """
    if n < 0:
        raise PointsInputError(f"n must be >= 0, got {n}")
    shares = tuple(to_decimal(s, "medal share") for s in (gold, silver, bronze))
    if any(not 0 <= s <= 1 for s in shares) or sum(shares) > 1:
        raise PointsInputError(
            f"medal shares must be in [0, 1] and sum to <= 1, got {', '.join(map(str, shares))}"
        )
    # Shares are decimals (0.1, 0.2 …): add them as decimals so 0.1 + 0.2 is exactly 0.3.
    cumulative, running = [], Decimal(0)
    for share in shares:
        running += share
        cumulative.append(int(round_half_up(running * n, 0)))
    g, gs, gsb = cumulative
    return g, gs - g, gsb - gs


def assign_medals(
    ranked: Sequence[Ranked], gold: Number, silver: Number, bronze: Number
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
    score: Decimal
    counted: int
    best: Decimal = field(default=Decimal(0))


def team_ranking(members: Mapping[str, Sequence[Number]], best_n: int) -> list[TeamRow]:
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
        rows.append((round2(Fraction(sum(best, Decimal(0))) / best_n), best[0], team, len(best)))
    rows.sort(key=lambda row: (-row[0], -row[1], row[2]))
    return [
        TeamRow(position, team, score, counted, top)
        for position, (score, top, team, counted) in enumerate(rows, start=1)
    ]
