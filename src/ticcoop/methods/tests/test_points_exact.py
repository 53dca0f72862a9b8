"""Issue 18: every published competition figure equals the rule computed in exact decimals.

Each property recomputes the published rule independently with ``decimal.Decimal`` at 60
digits and ``ROUND_HALF_UP`` (docs/methods/competition-scoring.md) and compares it with what
``methods.points`` publishes; the issue's three reproductions are explicit examples.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ticcoop.methods import points
from ticcoop.methods.strata import sample_size

CENT = Decimal("0.01")
WEIGHTS = {"theory": "0.3", "blind": "0.3", "operation": "0.4"}


def rule_round(value: Decimal, places: Decimal = CENT) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return (+value).quantize(places, rounding=ROUND_HALF_UP)


def rule_div(a: Decimal, b: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return a / b


def decimals(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(
        Decimal(low), Decimal(high), places=places, allow_nan=False, allow_infinity=False
    )


scores = decimals("0", "100", 2)
measurements = decimals("-1000", "1000", 3)
sigmas = decimals("0.001", "100", 3)


def rule_points(z: Decimal) -> Decimal:
    """The default mapping of the published rule book, on the published z."""
    size = abs(z)
    if size <= 1:
        return Decimal(100)
    if size <= 2:
        return Decimal(80)
    return Decimal(60) if size < 3 else Decimal(0)


@settings(max_examples=300)
@given(st.lists(measurements, min_size=1, max_size=6), measurements, sigmas)
@example([Decimal("4.201"), Decimal("4.0"), Decimal("4.0")], Decimal("4.0"), Decimal("0.2"))
@example([Decimal("52.845")], Decimal("52.0"), Decimal("2.6"))
def test_blind_z_and_points_follow_the_rule(
    results: list[Decimal], x_pt: Decimal, sigma: Decimal
) -> None:
    # Floats as stored by the FloatField, read back through their shortest repr.
    keyed = {f"c{i}": float(v) for i, v in enumerate(results)}
    scored = points.score_blind_samples(
        keyed, reference_value=float(x_pt), sigma_rule="fixed", sigma_value=float(sigma)
    )
    for i, value in enumerate(results):
        z = rule_round(rule_div(value - x_pt, sigma))
        assert scored.z[f"c{i}"] == z
        assert scored.points[f"c{i}"] == rule_points(z)


@settings(max_examples=200)
@given(measurements, decimals("0.1", "1000", 2), decimals("0.1", "20", 1))
def test_percent_sigma_z_follows_the_rule(value: Decimal, x_pt: Decimal, percent: Decimal) -> None:
    scored = points.score_blind_samples(
        {"a": str(value)}, reference_value=str(x_pt), sigma_rule="percent", sigma_value=percent
    )
    sigma = percent * x_pt / 100
    assert scored.z["a"] == rule_round(rule_div(value - x_pt, sigma))


def test_issue_reproductions() -> None:
    scored = points.score_blind_samples(
        {"a": 4.201, "b": 4.0, "c": 4.0},
        rule=points.DEFAULT_Z_RULE,
        reference_value=4.0,
        sigma_rule="fixed",
        sigma_value=0.2,
    )
    assert scored.z["a"] == Decimal("1.01")  # 1.005 half-up; binary floats gave 1.00
    assert scored.points["a"] == Decimal(80)
    # DQ-004 of the demo: (52.845 − 52.0) / 2.6 = 0.325 → 0.33
    dq = points.score_blind_samples(
        {"DQ-004": 52.845}, reference_value=52.0, sigma_rule="percent", sigma_value=5.0
    )
    assert dq.z["DQ-004"] == Decimal("0.33")
    total = points.weighted_total(
        {"theory": 17.15, "blind": 60, "operation": 66.8},
        {"theory": 0.3, "blind": 0.3, "operation": 0.4},
    )
    assert total == Decimal("49.87")  # 5.145 + 18 + 26.72 = 49.865


@settings(max_examples=300)
@given(scores, scores, scores)
@example(Decimal("17.15"), Decimal("60"), Decimal("66.8"))
def test_weighted_total_follows_the_rule(theory: Decimal, blind: Decimal, op: Decimal) -> None:
    stages = {"theory": float(theory), "blind": float(blind), "operation": float(op)}
    expected = rule_round(Decimal("0.3") * theory + Decimal("0.3") * blind + Decimal("0.4") * op)
    assert points.weighted_total(stages, WEIGHTS) == expected


@settings(max_examples=300)
@given(st.lists(scores, min_size=1, max_size=9))
def test_trimmed_mean_follows_the_rule(judges: list[Decimal]) -> None:
    counted = sorted(judges)
    if len(counted) >= points.MIN_JUDGES_FOR_TRIM:
        counted = counted[1:-1]
    expected = rule_round(rule_div(sum(counted, Decimal(0)), Decimal(len(counted))))
    assert points.round2(points.trimmed_mean(float(v) for v in judges)) == expected
    ids = {f"j{i}": points.Judge(f"j{i}", None, "11") for i in range(len(judges))}
    scored = points.operation_score(
        {f"j{i}": float(v) for i, v in enumerate(judges)}, ids, "inst", "13"
    )
    assert scored.score == expected


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from("ABCDE"), st.lists(scores, max_size=5)), st.integers(1, 4))
def test_team_score_follows_the_rule(members: dict[str, list[Decimal]], best_n: int) -> None:
    rows = points.team_ranking({k: [float(v) for v in vs] for k, vs in members.items()}, best_n)
    for row in rows:
        best = sorted(members[row.team], reverse=True)[:best_n]
        assert row.score == rule_round(rule_div(sum(best, Decimal(0)), Decimal(best_n)))
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)


@settings(max_examples=200)
@given(
    st.lists(st.tuples(scores, scores, scores), min_size=1, max_size=25),
    decimals("0", "0.3", 2),
    decimals("0", "0.3", 2),
    decimals("0", "0.4", 2),
)
def test_ranking_and_medals_follow_the_exact_totals(
    stages: list[tuple[Decimal, Decimal, Decimal]], g: Decimal, s: Decimal, b: Decimal
) -> None:
    entries = []
    for i, (theory, blind, op) in enumerate(stages):
        total = points.weighted_total(
            {"theory": str(theory), "blind": str(blind), "operation": str(op)}, WEIGHTS
        )
        entries.append(points.RankEntry(f"N{i:03d}", total, op, blind))
    ranked = points.assign_medals(points.rank_entries(entries), g, s, b)
    exact_totals = {
        f"N{i:03d}": rule_round(Decimal("0.3") * t + Decimal("0.3") * bl + Decimal("0.4") * o)
        for i, (t, bl, o) in enumerate(stages)
    }
    order = [r.entry.number for r in ranked]
    assert [exact_totals[n] for n in order] == sorted(exact_totals.values(), reverse=True)
    n = len(stages)
    cum = [int(rule_round(n * share, Decimal(1))) for share in (g, g + s, g + s + b)]
    medals = [r.medal for r in ranked]
    assert medals.count("gold") == cum[0]
    assert medals.count("silver") == cum[1] - cum[0]
    assert medals.count("bronze") == cum[2] - cum[1]
    # Medals go down the ranking: no medal after a rank without one.
    assert medals == sorted(medals, key=lambda m: ("gold", "silver", "bronze", None).index(m))


@settings(max_examples=300)
@given(decimals("0", "1", 3), st.integers(0, 5000))
@example(Decimal("0.07"), 100)
def test_draw_counts_per_stratum_follow_the_exact_rate(rate: Decimal, population: int) -> None:
    expected = math.ceil(rate * population)  # Decimal × int is exact here
    assert sample_size(rate, population) == expected
    assert sample_size(float(rate), population) == expected
    assert sample_size(str(rate), population) == expected


def test_rate_seven_percent_of_a_hundred_is_seven() -> None:
    assert math.ceil(0.07 * 100) == 8  # why floats are not used
    assert sample_size(0.07, 100) == 7
