from __future__ import annotations

from decimal import Decimal

import pytest

from ticcoop.methods.points import (
    DEFAULT_Z_RULE,
    Judge,
    PointsInputError,
    RankEntry,
    ZPointsRule,
    assign_medals,
    check_weights,
    judge_excluded,
    medal_counts,
    operation_score,
    rank_entries,
    round2,
    score_blind_samples,
    team_ranking,
    trimmed_mean,
    weighted_total,
    z_points,
)

WEIGHTS = {"theory": 0.3, "blind": 0.3, "operation": 0.4}


@pytest.mark.parametrize(
    ("z", "points"),
    [(0.0, 100), (-1.0, 100), (1.01, 80), (2.0, 80), (-2.99, 60), (3.0, 0), (7.5, 0)],
)
def test_default_z_mapping_uses_the_published_bounds(z: float, points: float) -> None:
    assert z_points(z) == points


def test_linear_z_mapping() -> None:
    rule = ZPointsRule("linear", full_at=1.0, zero_at=3.0)
    assert z_points(0.5, rule) == 100
    assert z_points(2.0, rule) == 50
    assert z_points(-2.5, rule) == 25
    assert z_points(3.0, rule) == 0


def test_rule_round_trips_and_rejects_bad_rules() -> None:
    assert ZPointsRule.from_dict(DEFAULT_Z_RULE.to_dict()) == DEFAULT_Z_RULE
    assert DEFAULT_Z_RULE.describe()[2] == "|z| < 3 → 60"
    with pytest.raises(PointsInputError, match="bounds must increase"):
        ZPointsRule.from_dict({"kind": "steps", "steps": [[2, 80], [1, 100]]})
    with pytest.raises(PointsInputError, match="between 0 and 100"):
        ZPointsRule.from_dict({"kind": "steps", "steps": [[1, 120]]})
    with pytest.raises(PointsInputError, match="full_at < zero_at"):
        ZPointsRule.from_dict({"kind": "linear", "full_at": 3, "zero_at": 1})


def test_blind_samples_against_a_reference_value_and_fixed_sigma() -> None:
    scored = score_blind_samples(
        {"A": 10.0, "B": 10.5, "C": 11.5, "D": 7.0},
        reference_value=10.0,
        sigma_rule="fixed",
        sigma_value=0.5,
    )
    assert scored.x_pt == 10.0
    assert scored.z == {"A": 0.0, "B": 1.0, "C": 3.0, "D": -6.0}
    assert scored.points == {"A": 100, "B": 100, "C": 0, "D": 0}


def test_blind_samples_against_the_robust_mean() -> None:
    results = {f"c{i}": v for i, v in enumerate([10.1, 9.9, 10.0, 10.2, 9.8, 10.05, 14.0])}
    scored = score_blind_samples(results, sigma_rule="percent", sigma_value=2.0)
    # Algorithm A is not pulled far by the outlier 14.0 (the plain mean is 10.58).
    assert 9.95 < scored.x_pt < 10.15
    assert scored.sigma_pt == pytest.approx(abs(scored.x_pt) * 0.02)
    assert scored.points["c6"] == 0
    assert scored.points["c2"] == 100


def test_blind_samples_robust_sd_and_missing_sigma_value() -> None:
    scored = score_blind_samples({"a": 1.0, "b": 1.2, "c": 0.9, "d": 1.1, "e": 1.05})
    assert scored.sigma_source == "robust SD of this round"
    with pytest.raises(PointsInputError, match="sigma_value is required"):
        score_blind_samples({"a": 1.0}, reference_value=1.0, sigma_rule="fixed")


def test_trimmed_mean_drops_extremes_only_from_five_judges() -> None:
    assert trimmed_mean([60, 70, 80, 90]) == 75
    assert trimmed_mean([10, 70, 80, 90, 100]) == 80
    with pytest.raises(PointsInputError, match="between 0 and 100"):
        trimmed_mean([50, 101])
    with pytest.raises(PointsInputError, match="no judge scores"):
        trimmed_mean([])


def test_judge_exclusion_by_institution_or_region() -> None:
    same_inst = Judge("j1", "inst-1", "13")
    same_region = Judge("j2", "inst-2", "13")
    other = Judge("j3", None, "11")
    assert judge_excluded(same_inst, "inst-1", "13", "institution")
    assert not judge_excluded(same_region, "inst-1", "13", "institution")
    assert judge_excluded(same_region, "inst-1", "13", "region")
    assert not judge_excluded(other, "inst-1", "13", "region")


def test_operation_score_ignores_excluded_judges_then_trims() -> None:
    judges = {
        "j1": Judge("j1", "home", "13"),
        **{f"k{i}": Judge(f"k{i}", f"i{i}", "11") for i in range(5)},
    }
    scores = {"j1": 100.0, "k0": 60.0, "k1": 70.0, "k2": 80.0, "k3": 90.0, "k4": 95.0}
    result = operation_score(scores, judges, "home", "13", "institution")
    assert result.excluded == ("j1",)
    assert result.trimmed
    assert result.score == 80.0  # (70 + 80 + 90) / 3
    with pytest.raises(PointsInputError, match="no eligible judge"):
        operation_score({"j1": 90.0}, judges, "home", "13")


def test_weights_must_sum_to_one_and_total_is_weighted() -> None:
    check_weights(WEIGHTS)
    with pytest.raises(PointsInputError, match="sum to 1"):
        check_weights({"theory": 0.3, "blind": 0.3, "operation": 0.3})
    total = weighted_total({"theory": 90, "blind": 80, "operation": 70.55}, WEIGHTS)
    assert total == Decimal("79.22")  # 27 + 24 + 28.22


def test_round2_is_half_up() -> None:
    assert round2(79.995) == Decimal("80.00")
    assert round2(2.675) == Decimal("2.68")  # float rounding would give 2.67
    assert round2(-0.325) == Decimal("-0.33")  # a tie goes away from zero


def test_tie_break_order() -> None:
    entries = [
        RankEntry("C-003", 80.0, 70.0, 90.0, 100.0),
        RankEntry("C-001", 80.0, 75.0, 60.0, 300.0),  # higher operation wins
        RankEntry("C-002", 80.0, 70.0, 90.0, 50.0),  # same as C-003 but earlier theory
        RankEntry("C-005", 80.0, 70.0, 90.0, None),  # never submitted: after C-003
        RankEntry("C-004", 80.0, 70.0, 90.0, None),
        RankEntry("C-009", 85.0, 0.0, 0.0, None),
    ]
    assert [r.entry.number for r in rank_entries(entries)] == [
        "C-009",
        "C-001",
        "C-002",
        "C-003",
        "C-004",
        "C-005",
    ]


def test_medal_counts_round_cumulative_shares_half_up() -> None:
    assert medal_counts(20, 0.1, 0.2, 0.3) == (2, 4, 6)
    assert medal_counts(15, 0.1, 0.2, 0.3) == (2, 3, 4)  # 1.5→2, 4.5→5, 9→9
    assert medal_counts(1, 0.1, 0.2, 0.3) == (0, 0, 1)  # 0.1→0, 0.3→0, 0.6→1
    with pytest.raises(PointsInputError):
        medal_counts(10, 0.5, 0.5, 0.5)
    ranked = assign_medals(
        rank_entries([RankEntry(f"N{i}", 90 - i, 0, 0) for i in range(5)]), 0.2, 0.2, 0.2
    )
    assert [r.medal for r in ranked] == ["gold", "silver", "bronze", None, None]


def test_team_score_is_mean_of_best_n_with_missing_places_as_zero() -> None:
    rows = team_ranking({"big": [90, 80, 70, 10], "small": [95], "pair": [85, 85]}, best_n=3)
    assert [(r.team, r.score) for r in rows] == [
        ("big", Decimal("80.00")),
        ("pair", Decimal("56.67")),
        ("small", Decimal("31.67")),
    ]
    assert rows[0].counted == 3
    with pytest.raises(PointsInputError):
        team_ranking({}, best_n=0)
