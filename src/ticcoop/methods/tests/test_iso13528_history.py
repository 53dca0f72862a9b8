"""Performance over time (ISO 13528:2022 clause 10): worked numbers and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticcoop.methods.iso13528 import (
    StatisticsInputError,
    cusum,
    drift_signals,
    drift_warning,
    performance_history,
    rescaled_sum_z,
    ssz_limit,
    sum_squared_z,
    z_over_rounds,
)
from ticcoop.methods.iso13528.history import RULE_CUSUM, RULE_RUN_OF_9, RULE_TWO_BEYOND_2

# Hand-computed example (see docs/methods/iso13528.md, "Performance over time").
Z = [1.0, -0.5, 2.5, 2.2, 0.3]


def test_combined_scores_by_hand() -> None:
    # Σz = 5.5, √5 = 2.2360680 → RSZ = 2.4597; Σz² = 1 + 0.25 + 6.25 + 4.84 + 0.09
    assert rescaled_sum_z(Z) == pytest.approx(2.459675, abs=1e-6)
    assert sum_squared_z(Z) == pytest.approx(12.43)
    assert ssz_limit(5) == pytest.approx(11.0705, abs=1e-4)  # χ²_0.95(5), statistical tables


def test_cusum_by_hand() -> None:
    hi, lo, first = cusum(Z)
    assert list(hi) == pytest.approx([0.5, 0.0, 2.0, 3.7, 3.5])
    assert list(lo) == pytest.approx([0.0, 0.0, 0.0, 0.0, 0.0])
    assert first is None
    hi, lo, first = cusum([*Z, 2.1])
    assert hi[-1] == pytest.approx(5.1)  # 3.5 + 2.1 − 0.5 > h = 4
    assert first == 5
    _, lo, first = cusum([-1.5, -1.5, -1.5, -1.5])  # 1.0, 2.0, 3.0, 4.0: not above 4
    assert list(lo) == pytest.approx([1.0, 2.0, 3.0, 4.0])
    assert first is None


def test_one_gross_error_is_not_a_drift_but_two_are() -> None:
    hi, _, first = cusum([0.0, 9.0])  # z clipped at 3: 3 − 0.5 = 2.5
    assert hi[-1] == pytest.approx(2.5) and first is None
    assert drift_warning([0.0, 9.0]) == []
    assert {s.rule for s in drift_warning([0.0, 9.0, 6.0])} == {RULE_TWO_BEYOND_2, RULE_CUSUM}


def test_two_successive_beyond_2_same_sign() -> None:
    signals = drift_signals(Z)
    assert [(s.rule, s.index, s.direction) for s in signals] == [(RULE_TWO_BEYOND_2, 3, 1)]
    # the latest round (z = 0.3) breaks the pattern: history, not a current warning
    assert drift_warning(Z) == []
    assert [s.rule for s in drift_warning(Z[:4])] == [RULE_TWO_BEYOND_2]
    # opposite signs do not count
    assert drift_warning([2.5, -2.5]) == []
    # |z| = 2 exactly is satisfactory, not beyond 2
    assert drift_warning([2.0, 2.5]) == []


def test_run_of_nine_on_one_side() -> None:
    low = [-0.1] * 8
    assert drift_warning(low) == []
    warn = drift_warning([*low, -0.2])
    assert [(s.rule, s.index, s.direction) for s in warn] == [(RULE_RUN_OF_9, 8, -1)]
    # a zero breaks the run
    assert drift_warning([*low[:4], 0.0, *low[:4]]) == []


def test_warning_comes_before_unsatisfactory() -> None:
    # a lab drifting upwards: no single z reaches 3, but the rules fire
    z = [0.8, 1.2, 1.6, 2.1, 2.4]
    h = performance_history(z)
    assert max(abs(v) for v in z) < 3
    assert {s.rule for s in h.warning} == {RULE_TWO_BEYOND_2, RULE_CUSUM}
    assert h.n == 5


def test_z_over_rounds_and_bad_input() -> None:
    z = z_over_rounds([10.5, 9.0], [10.0, 10.0], [0.5, 2.0])
    assert list(z) == pytest.approx([1.0, -0.5])
    with pytest.raises(StatisticsInputError, match="differ in length"):
        z_over_rounds([1.0], [1.0, 2.0], [1.0])
    with pytest.raises(StatisticsInputError, match="round 2"):
        z_over_rounds([1.0, 2.0], [1.0, 2.0], [1.0, 0.0])
    with pytest.raises(StatisticsInputError, match="round 2"):
        rescaled_sum_z([1.0, math.nan])
    with pytest.raises(StatisticsInputError, match="at least 1"):
        performance_history([])
    with pytest.raises(StatisticsInputError):
        cusum([1.0], h=0.0)


finite_z = st.floats(min_value=-50, max_value=50, allow_nan=False)


@given(st.lists(finite_z, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_combined_scores_do_not_depend_on_order(z: list[float], rnd: object) -> None:
    shuffled = list(z)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert rescaled_sum_z(shuffled) == pytest.approx(rescaled_sum_z(z), abs=1e-9)
    assert sum_squared_z(shuffled) == pytest.approx(sum_squared_z(z), rel=1e-12, abs=1e-9)


@given(
    st.lists(
        st.tuples(
            st.floats(min_value=-1e3, max_value=1e3),
            st.floats(min_value=-1e3, max_value=1e3),
            st.floats(min_value=1e-2, max_value=1e2),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_shift_by_sigma_pt_shifts_z_by_one(rows: list[tuple[float, float, float]]) -> None:
    x, x_pt, sigma = (np.array(c) for c in zip(*rows, strict=True))
    z = z_over_rounds(x, x_pt, sigma)
    shifted = z_over_rounds(x + sigma, x_pt, sigma)
    assert np.allclose(shifted, z + 1.0, atol=1e-6)
    # and the rescaled sum moves by √n
    assert rescaled_sum_z(shifted) == pytest.approx(
        rescaled_sum_z(z) + math.sqrt(len(rows)), abs=1e-5
    )


@given(st.lists(finite_z, min_size=1, max_size=40))
def test_cusum_mirror_and_warning_subset(z: list[float]) -> None:
    hi, lo, _ = cusum(z)
    hi_m, lo_m, _ = cusum([-v for v in z])
    assert np.allclose(hi, lo_m) and np.allclose(lo, hi_m)
    assert set(drift_warning(z)) <= set(drift_signals(z))
