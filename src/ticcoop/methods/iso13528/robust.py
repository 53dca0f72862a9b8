"""Simple robust estimators (ISO 13528:2022 C.2) and Algorithm A (C.3.1).

Every estimate is returned as a frozen :class:`RobustEstimate` that records the
estimator, the stopping rule, the tolerance and the number of iterations, so a
third party can recompute the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from ._common import (
    ALG_A_DELTA_FACTOR,
    ALG_A_SD_FACTOR,
    MADE_FACTOR,
    NIQR_FACTOR,
    SMALL_ROUND_P,
    U_CONSENSUS_FACTOR,
    FloatArray,
    StatisticsInputError,
    as_results,
    fast_median,
)

StoppingRule = Literal["sig3", "tol"]
STOPPING_RULES: tuple[str, ...] = ("sig3", "tol")
DEFAULT_TOL = 1e-10
DEFAULT_MAX_ITER = 1000

SMALL_ROUND_NOTE = (
    "p < 12: ISO 13528:2022 Annex D.1 warns that robust estimates from fewer than about "
    "12 results are unreliable; prefer an assigned value and sigma_pt that do not come from "
    "this round (formulation, reference value, expert laboratories, fitness for purpose), "
    "or report the median with MADe/nIQR given here as alternatives."
)


@dataclass(frozen=True)
class SmallRoundAlternatives:
    """Annex D.1 alternatives reported when p < 12: median with MADe and nIQR."""

    median: float
    made: float
    niqr: float
    u_median_made: float  # 1.25·MADe/√p, Formula (6) with MADe as s*
    u_median_niqr: float  # 1.25·nIQR/√p
    note: str = SMALL_ROUND_NOTE


@dataclass(frozen=True)
class RobustEstimate:
    """Robust mean x* and SD s* with everything needed to recompute them."""

    method: str  # "algorithm-a" or "q-hampel"
    clause: str
    x_star: float
    s_star: float
    p: int
    iterations: int
    stopping_rule: str | None  # None for the non-iterative Q/Hampel
    tolerance: float | None
    max_iter: int | None
    converged: bool
    start_x: float  # starting location (the median)
    start_s: float  # starting scale (MADe unless a fallback was needed)
    scale_source: str  # "MADe", "nIQR", "SD", "all equal", "Q method"
    scale_fixed: bool  # True when a fallback scale was held fixed (C.3.2)
    small_round: bool
    alternatives: SmallRoundAlternatives | None

    @property
    def u_x_pt(self) -> float:
        """u(x_pt) = 1.25·s*/√p, ISO 13528:2022 7.7.7 Formula (6)."""
        return U_CONSENSUS_FACTOR * self.s_star / math.sqrt(self.p)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready) including u_x_pt."""
        out = asdict(self)
        out["u_x_pt"] = self.u_x_pt
        return out


def median(values: ArrayLike | Iterable[float]) -> float:
    """Median of the results, ISO 13528:2022 C.2.1."""
    x = as_results(values, min_count=1)
    return fast_median(x.copy())


def made(values: ArrayLike | Iterable[float]) -> float:
    """Scaled median absolute deviation MADe = 1.483·med|x_i − med(x)|, ISO 13528:2022 C.2.2."""
    x = as_results(values, min_count=1)
    work = x.copy()
    med = fast_median(work)
    np.subtract(x, med, out=work)
    np.abs(work, out=work)
    return MADE_FACTOR * fast_median(work)


def niqr(values: ArrayLike | Iterable[float]) -> float:
    """Normalised IQR nIQR = 0.7413·(Q3 − Q1), ISO 13528:2022 C.2.3.

    Quartiles by linear interpolation (Hyndman–Fan type 7, the NumPy/R default), which
    reproduces the nIQR printed in Table E.5; C.2.3 NOTE says other definitions exist.
    """
    x = as_results(values, min_count=1)
    q1, q3 = np.quantile(x, (0.25, 0.75))
    return NIQR_FACTOR * float(q3 - q1)


def small_round_alternatives(values: ArrayLike | Iterable[float]) -> SmallRoundAlternatives:
    """Median, MADe and nIQR recommended for small rounds, ISO 13528:2022 Annex D.1."""
    x = as_results(values)
    root_p = math.sqrt(x.size)
    mad, iqr = made(x), niqr(x)
    return SmallRoundAlternatives(
        median=median(x),
        made=mad,
        niqr=iqr,
        u_median_made=U_CONSENSUS_FACTOR * mad / root_p,
        u_median_niqr=U_CONSENSUS_FACTOR * iqr / root_p,
    )


def small_round_fields(x: FloatArray) -> tuple[bool, SmallRoundAlternatives | None]:
    """(small_round flag, alternatives) for p results, Annex D.1."""
    if x.size < SMALL_ROUND_P:
        return True, small_round_alternatives(x)
    return False, None


def _exponent3(value: float) -> int:
    """Decimal exponent of the third significant figure of ``value`` (≠ 0), after rounding."""
    return int(f"{abs(value):.2e}".split("e")[1]) - 2


def unchanged3(old: float, new: float, floor: int | None = None) -> bool:
    """True if ``old`` and ``new`` agree when rounded at the third significant figure.

    Both are rounded at the finer of their two third-significant-figure places (so 9.9973
    → 9.976 is a change, as 10.0 → 9.98 is); ``floor`` is a decimal exponent below which
    digits are not compared (for x*: never finer than the third significant figure of s*,
    the "equivalent figure").
    """
    sizes = [abs(v) for v in (old, new) if v != 0.0]
    if not sizes:
        return True
    e = _exponent3(min(sizes))
    if floor is not None:
        e = max(e, floor)
    return round(old, -e) == round(new, -e)


def _starting_scale(x: FloatArray, mad: float, all_equal: bool) -> tuple[float, str]:
    """Starting s*: MADe, else nIQR, else the sample SD; zero only if all results are equal."""
    if all_equal:  # tested exactly: np.std of equal values can be 1e-16, not 0
        return 0.0, "all equal"
    s0 = MADE_FACTOR * mad
    if s0 > 0:
        return s0, "MADe"
    s0 = niqr(x)
    if s0 > 0:
        return s0, "nIQR"
    s0 = float(np.std(x, ddof=1))
    if s0 > 0:
        return s0, "SD"
    return 0.0, "all equal"


def _check_stop(stop: str, tol: float, max_iter: int) -> None:
    if stop not in STOPPING_RULES:
        raise StatisticsInputError(f"stopping rule must be one of {STOPPING_RULES}, got {stop!r}")
    if not (math.isfinite(tol) and tol > 0):
        raise StatisticsInputError(f"tolerance must be finite and > 0, got {tol!r}")
    if int(max_iter) != max_iter or max_iter < 1:
        raise StatisticsInputError(f"max_iter must be an integer >= 1, got {max_iter!r}")


def _winsorised_sums(
    centred: FloatArray, lo: float, hi: float, out: FloatArray
) -> tuple[float, float]:
    """Σw and Σw² of w = clip(c, lo, hi), written into ``out`` (one buffer for all iterations)."""
    np.clip(centred, lo, hi, out=out)
    return float(out.sum()), float(np.dot(out, out))


def algorithm_a(
    values: ArrayLike | Iterable[float],
    *,
    stop: StoppingRule = "sig3",
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
) -> RobustEstimate:
    """Robust mean and SD by Algorithm A, ISO 13528:2022 C.3.1, Formulae (C.5)–(C.10).

    Start: x* = median, s* = MADe = 1.483·med|x_i − x*|.  Each iteration: δ = 1.5·s*,
    winsorise x_i to [x* − δ, x* + δ], x* = mean, s* = 1.134·SD (p − 1) of the winsorised
    values.  ``stop="sig3"`` stops when neither x* nor s* changes in its third significant
    figure (the rule stated in C.3.1); x* is never compared at a finer decimal place than
    the third significant figure of s* (the "equivalent figure" of ISO 5725-5), so that
    x* ≈ 0 converges.  ``stop="tol"`` stops when |Δx*| and |Δs*| are both ≤ ``tol``·s*
    (shift/scale invariant).  If MADe = 0 (more than half the results equal),
    the start scale falls back to nIQR, then the sample SD, and is then held fixed while x*
    iterates (C.3.2 variant), since re-estimating s* would shrink it geometrically to zero.
    All results equal: x* = that value, s* = 0, no iteration.
    """
    _check_stop(stop, tol, max_iter)
    x = as_results(values)
    p = x.size
    # No full sort: the medians come from O(p) selection (np.median partitions) and each
    # iteration is one clip pass, sum and dot product. A sorted copy made the iterations
    # O(log p), but sorting 1e6 values costs 6 ms only where NumPy has its AVX-512 sort and
    # 90 ms elsewhere, against 3-4 ms per clip pass and 2-5 iterations in practice.
    # One scratch buffer serves both medians (selection reorders it) and then the iterations.
    scratch = x.copy()
    med = float(np.median(scratch, overwrite_input=True))
    # Centring on the median keeps the one-pass sum of squares accurate.
    centred = x - med
    np.abs(centred, out=scratch)
    mad = float(np.median(scratch, overwrite_input=True))
    s, source = _starting_scale(x, mad, bool(centred.min() == centred.max()))
    fixed = source in ("nIQR", "SD")
    small, alternatives = small_round_fields(x)

    def result(x_star: float, s_star: float, iterations: int, converged: bool) -> RobustEstimate:
        return RobustEstimate(
            method="algorithm-a",
            clause="ISO 13528:2022 C.3.1",
            x_star=x_star,
            s_star=s_star,
            p=p,
            iterations=iterations,
            stopping_rule=stop,
            tolerance=tol if stop == "tol" else None,
            max_iter=int(max_iter),
            converged=converged,
            start_x=med,
            start_s=s,
            scale_source=source,
            scale_fixed=fixed,
            small_round=small,
            alternatives=alternatives,
        )

    if s == 0.0:
        return result(med, 0.0, 0, True)
    m, s_cur = 0.0, s  # m is x* − median
    for it in range(1, int(max_iter) + 1):
        delta = ALG_A_DELTA_FACTOR * s_cur
        total, squares = _winsorised_sums(centred, m - delta, m + delta, scratch)
        new_m = total / p
        if fixed:
            new_s = s_cur
        else:
            ss = max(squares - total * new_m, 0.0)
            new_s = ALG_A_SD_FACTOR * math.sqrt(ss / (p - 1))
        if stop == "sig3":
            floor = _exponent3(new_s) if new_s > 0 else None
            done = unchanged3(s_cur, new_s) and unchanged3(med + m, med + new_m, floor)
        else:
            bound = tol * new_s
            done = abs(new_m - m) <= bound and abs(new_s - s_cur) <= bound
        m, s_cur = new_m, new_s
        if done:
            return result(med + m, s_cur, it, True)
    return result(med + m, s_cur, int(max_iter), False)
