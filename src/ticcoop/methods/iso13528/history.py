"""Performance over time: one laboratory's z-scores for one measurand across rounds.

ISO 13528:2022 clause 10 (graphical methods, and combining scores over rounds): a
Shewhart-type chart of z with limits at ±2 and ±3, combined scores (the rescaled sum of
z-scores RSZ and the sum of squared z-scores SSZ), a CUSUM-type running indicator, and
the platform's drift rule. See docs/methods/iso13528.md, section "Performance over
time". Input is the z-scores of the rounds the lab was scored in, oldest first; rounds
it missed or in which its result was not scored are simply absent (the rules count
successive *scored* participations).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._common import FloatArray, StatisticsInputError, finite, positive

WARNING_LIMIT = 2.0  # 9.4: |z| > 2 is a questionable result
ACTION_LIMIT = 3.0  # 9.4: |z| >= 3 is an unsatisfactory result
RUN_LENGTH = 9  # rule R2: nine successive z on one side of zero
CUSUM_K = 0.5  # reference value (allowance), in units of z: detects a 1·sigma_pt shift
CUSUM_H = 4.0  # decision interval, in units of z

RULE_TWO_BEYOND_2 = "two-beyond-2"
RULE_RUN_OF_9 = "run-of-9"
RULE_CUSUM = "cusum"


def _z_array(z: ArrayLike, *, min_count: int = 0) -> FloatArray:
    try:
        arr = np.asarray(z, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise StatisticsInputError(f"z-scores must be numbers: {exc}") from exc
    if arr.ndim != 1:
        raise StatisticsInputError(f"z-scores must be one-dimensional, got shape {arr.shape}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        i = int(bad[0])
        raise StatisticsInputError(f"z-scores: non-finite value at round {i + 1}: {arr[i]!r}")
    if arr.size < min_count:
        raise StatisticsInputError(
            f"z-scores: {arr.size} value(s) given, at least {min_count} are needed"
        )
    return arr


def z_over_rounds(
    x: ArrayLike,
    x_pt: ArrayLike,
    sigma_pt: ArrayLike,
) -> FloatArray:
    """z_i = (x_i − x_pt,i)/σ_pt,i per round (9.4 Formula (13)), one entry per round."""
    xs, xp, sp = (_z_array(v) for v in (x, x_pt, sigma_pt))
    if not xs.size == xp.size == sp.size:
        raise StatisticsInputError(
            f"results, x_pt and sigma_pt differ in length: {xs.size}, {xp.size}, {sp.size}"
        )
    if np.any(sp <= 0):
        i = int(np.flatnonzero(sp <= 0)[0])
        raise StatisticsInputError(f"sigma_pt must be > 0; round {i + 1} has {sp[i]!r}")
    return np.asarray((xs - xp) / sp, dtype=np.float64)


def rescaled_sum_z(z: ArrayLike) -> float:
    """RSZ = Σ z_i / √n: N(0, 1) for a lab without bias; keeps the sign of a bias.

    Order does not matter; a large positive and a large negative z cancel, which is why
    the standard warns against using a combined score alone.
    """
    arr = _z_array(z, min_count=1)
    return float(arr.sum() / math.sqrt(arr.size))


def sum_squared_z(z: ArrayLike) -> float:
    """SSZ = Σ z_i²: χ² with n degrees of freedom for a lab without bias or excess scatter."""
    arr = _z_array(z, min_count=1)
    return float(np.dot(arr, arr))


def ssz_limit(n: int, *, level: float = 0.95) -> float:
    """Upper limit of SSZ for n rounds: the ``level`` quantile of χ²(n)."""
    if n < 1:
        raise StatisticsInputError(f"n must be >= 1, got {n!r}")
    lvl = finite(level, "level")
    if not 0 < lvl < 1:
        raise StatisticsInputError(f"level must be between 0 and 1, got {level!r}")
    from scipy import stats  # imported here: scipy.stats costs 1.5 s at every process start

    return float(stats.chi2.ppf(lvl, n))


def cusum(
    z: ArrayLike, *, k: float = CUSUM_K, h: float = CUSUM_H
) -> tuple[FloatArray, FloatArray, int | None]:
    """Tabular (Page) CUSUM of z, starting from C⁺_0 = C⁻_0 = 0:

    C⁺_i = max(0, C⁺_{i−1} + z_i − k) and C⁻_i = max(0, C⁻_{i−1} − z_i − k).

    z is clipped at ±3 before it enters the sums. Returns (C⁺, C⁻, index of the first
    round where either exceeds h, or None). A lab without bias keeps both near 0; a
    persistent shift of about 1 σ_pt crosses h = 4 in a handful of rounds, usually before
    any single z leaves ±3.
    """
    arr = _z_array(z)
    kk = positive(k, "k", allow_zero=True)
    hh = positive(h, "h")
    hi = np.empty_like(arr)
    lo = np.empty_like(arr)
    up = down = 0.0
    first: int | None = None
    # z is clipped at ±3 first: one gross error is an unsatisfactory result (9.4) and must
    # not by itself read as a drift; two in a row, or a steady shift, still cross h.
    for i, zi in enumerate(np.clip(arr, -ACTION_LIMIT, ACTION_LIMIT)):
        up = max(0.0, up + zi - kk)
        down = max(0.0, down - zi - kk)
        hi[i], lo[i] = up, down
        if first is None and (up > hh or down > hh):
            first = i
    return hi, lo, first


@dataclass(frozen=True)
class DriftSignal:
    """One firing of a drift rule: ``rule``, the round index (0-based) and the direction."""

    rule: str
    index: int
    direction: int  # +1: results high, −1: results low


def drift_signals(z: ArrayLike, *, k: float = CUSUM_K, h: float = CUSUM_H) -> list[DriftSignal]:
    """Every round at which a drift rule fires (docs: "Drift rule"), in round order.

    R1 two successive |z| > 2 with the same sign; R2 nine successive z on the same side
    of zero (z = 0 breaks the run); R3 the CUSUM exceeds h. A rule fires at the round
    that completes its pattern and again at each later round that prolongs it.
    """
    arr = _z_array(z)
    hi, lo, _ = cusum(arr, k=k, h=h)
    out: list[DriftSignal] = []
    run = 0
    sign_prev = 0
    for i, zi in enumerate(arr):
        sign = int(np.sign(zi))
        run = run + 1 if sign != 0 and sign == sign_prev else (1 if sign != 0 else 0)
        sign_prev = sign
        beyond = abs(zi) > WARNING_LIMIT and i >= 1 and abs(arr[i - 1]) > WARNING_LIMIT
        if beyond and np.sign(arr[i - 1]) == sign:
            out.append(DriftSignal(RULE_TWO_BEYOND_2, i, sign))
        if run >= RUN_LENGTH:
            out.append(DriftSignal(RULE_RUN_OF_9, i, sign))
        if hi[i] > h or lo[i] > h:
            out.append(DriftSignal(RULE_CUSUM, i, 1 if hi[i] > h else -1))
    return out


def drift_warning(z: ArrayLike, *, k: float = CUSUM_K, h: float = CUSUM_H) -> list[DriftSignal]:
    """The signals that fire at the latest round: the lab's *current* drift warning.

    Empty when the latest round breaks every pattern (an old, resolved drift is history,
    shown on the chart, not a warning).
    """
    arr = _z_array(z)
    if arr.size == 0:
        return []
    last = arr.size - 1
    return [s for s in drift_signals(arr, k=k, h=h) if s.index == last]


@dataclass(frozen=True)
class PerformanceHistory:
    """Everything the lab's history table and chart show for one measurand."""

    z: tuple[float, ...]
    rsz: float
    ssz: float
    ssz_limit: float
    cusum_high: tuple[float, ...]
    cusum_low: tuple[float, ...]
    signals: tuple[DriftSignal, ...]
    warning: tuple[DriftSignal, ...]

    @property
    def n(self) -> int:
        return len(self.z)


def performance_history(
    z: Sequence[float] | FloatArray, *, k: float = CUSUM_K, h: float = CUSUM_H
) -> PerformanceHistory:
    """Combined scores, CUSUM and drift signals for z-scores in round order (n ≥ 1)."""
    arr = _z_array(z, min_count=1)
    hi, lo, _ = cusum(arr, k=k, h=h)
    signals = drift_signals(arr, k=k, h=h)
    last = arr.size - 1
    return PerformanceHistory(
        z=tuple(float(v) for v in arr),
        rsz=rescaled_sum_z(arr),
        ssz=sum_squared_z(arr),
        ssz_limit=ssz_limit(arr.size),
        cusum_high=tuple(float(v) for v in hi),
        cusum_low=tuple(float(v) for v in lo),
        signals=tuple(signals),
        warning=tuple(s for s in signals if s.index == last),
    )
