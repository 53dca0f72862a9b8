"""Homogeneity and stability of proficiency test items, ISO 13528:2022 Annex B."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._common import FloatArray, StatisticsInputError, as_results, positive

HOMOGENEITY_FRACTION = 0.3  # B.2.2 and B.5.1: 0.3·sigma_pt


@dataclass(frozen=True)
class HomogeneityResult:
    """Between-sample SD and the homogeneity checks of ISO 13528:2022 B.2–B.3."""

    g: int  # number of items
    m: int  # replicates per item
    general_mean: float
    s_x: float  # SD of the item averages
    s_w: float  # within-item SD
    s_s: float  # between-item SD
    sigma_pt: float | None
    criterion: float | None  # 0.3·sigma_pt, B.2.2
    passes: bool | None  # s_s ≤ 0.3·sigma_pt
    f1: float | None
    f2: float | None
    expanded_criterion: float | None  # √(F1·(0.3·sigma_pt)² + F2·s_w²), B.2.3
    passes_expanded: bool | None
    alpha: float
    clause: str = "ISO 13528:2022 B.2, B.3"

    @property
    def u_hom(self) -> float:
        """s_s, the usual homogeneity term u_hom in 7.2.2 Formula (3)."""
        return self.s_s


@dataclass(frozen=True)
class StabilityResult:
    """Difference between item means before and after, ISO 13528:2022 B.5."""

    mean_1: float
    mean_2: float
    difference: float  # |ȳ1 − ȳ2|
    sigma_pt: float
    criterion: float  # 0.3·sigma_pt, B.5.1
    passes: bool
    u_mean_1: float | None
    u_mean_2: float | None
    expanded_criterion: float | None  # 0.3·sigma_pt + 2·√(u²(ȳ1) + u²(ȳ2)), B.5.2
    passes_expanded: bool | None
    clause: str = "ISO 13528:2022 B.5"


def homogeneity_factors(g: int, m: int = 2, alpha: float = 0.05) -> tuple[float, float]:
    """F1, F2 of the expanded criterion, ISO 13528:2022 B.2.3 (Table B.1 for m = 2).

    F1 = χ²_{1−α}(g − 1)/(g − 1); F2 = (F_{1−α}(g − 1, g(m − 1)) − 1)/m.
    """
    if int(g) != g or g < 2:
        raise StatisticsInputError(f"number of items g must be an integer >= 2, got {g!r}")
    if int(m) != m or m < 2:
        raise StatisticsInputError(f"replicates m must be an integer >= 2, got {m!r}")
    if not 0 < alpha < 1:
        raise StatisticsInputError(f"alpha must be in (0, 1), got {alpha!r}")
    q = 1.0 - alpha
    # scipy.stats costs ~1 s to import; load it only when the homogeneity check runs.
    from scipy.stats import chi2, f

    f1 = float(chi2.ppf(q, g - 1)) / (g - 1)
    f2 = (float(f.ppf(q, g - 1, g * (m - 1))) - 1.0) / m
    return f1, f2


def _as_table(data: ArrayLike | Sequence[Sequence[float]]) -> FloatArray:
    try:
        table = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise StatisticsInputError(
            f"homogeneity data must be a g × m table of numbers: {exc}"
        ) from exc
    if table.ndim != 2 or table.shape[0] < 2 or table.shape[1] < 2:
        raise StatisticsInputError(
            f"homogeneity data must be g × m with g >= 2 items and m >= 2 replicates, "
            f"got shape {table.shape}"
        )
    bad = np.argwhere(~np.isfinite(table))
    if bad.size:
        i, j = (int(v) for v in bad[0])
        raise StatisticsInputError(
            f"homogeneity data: item {i + 1}, replicate {j + 1} is {table[i, j]!r}"
        )
    return table


def homogeneity(
    data: ArrayLike | Sequence[Sequence[float]],
    sigma_pt: float | None = None,
    *,
    alpha: float = 0.05,
) -> HomogeneityResult:
    """Homogeneity check, ISO 13528:2022 B.3 (s_x, s_w, s_s) and criteria B.2.2, B.2.3.

    ``data`` is g items × m replicates (m = 2 in the standard).  s_x = SD of the item means,
    s_w² = pooled within-item variance (= Σw_t²/(2g) for m = 2), s_s = √max(0, s_x² − s_w²/m).
    With ``sigma_pt``: passes if s_s ≤ 0.3·sigma_pt; expanded: s_s ≤ √(F1·(0.3σ)² + F2·s_w²).
    """
    table = _as_table(data)
    g, m = table.shape
    means = table.mean(axis=1)
    s_x = float(np.std(means, ddof=1))
    s_w = math.sqrt(float(np.sum((table - means[:, None]) ** 2)) / (g * (m - 1)))
    s_s = math.sqrt(max(s_x**2 - s_w**2 / m, 0.0))
    f1, f2 = homogeneity_factors(g, m, alpha)
    crit = expanded = None
    passes = passes_exp = None
    if sigma_pt is not None:
        crit = HOMOGENEITY_FRACTION * positive(sigma_pt, "sigma_pt")
        expanded = math.sqrt(f1 * crit**2 + f2 * s_w**2)
        passes, passes_exp = s_s <= crit, s_s <= expanded
    return HomogeneityResult(
        g=g,
        m=m,
        general_mean=float(means.mean()),
        s_x=s_x,
        s_w=s_w,
        s_s=s_s,
        sigma_pt=None if sigma_pt is None else float(sigma_pt),
        criterion=crit,
        passes=passes,
        f1=f1,
        f2=f2,
        expanded_criterion=expanded,
        passes_expanded=passes_exp,
        alpha=alpha,
    )


def _mean_and_u(values: ArrayLike | Iterable[float], what: str) -> tuple[float, float | None]:
    y = as_results(values, what=what, min_count=1)
    u = float(np.std(y, ddof=1)) / math.sqrt(y.size) if y.size > 1 else None
    return float(y.mean()), u


def stability(
    before: ArrayLike | Iterable[float],
    after: ArrayLike | Iterable[float],
    sigma_pt: float,
    *,
    expanded: bool = False,
) -> StabilityResult:
    """Stability check |ȳ1 − ȳ2| ≤ 0.3·sigma_pt, ISO 13528:2022 B.5.1, Formula (B.17).

    ``before``/``after`` are all results of the items measured before (e.g. the homogeneity
    study) and after the round.  With ``expanded=True`` the criterion is widened by
    2·√(u²(ȳ1) + u²(ȳ2)), u(ȳ) = s/√n, as B.5.2, Formula (B.18), allows when the
    measurement uncertainty of the stability check is not negligible (needs ≥ 2 results
    on each side).
    """
    sigma = positive(sigma_pt, "sigma_pt")
    m1, u1 = _mean_and_u(before, "results before")
    m2, u2 = _mean_and_u(after, "results after")
    diff = abs(m1 - m2)
    crit = HOMOGENEITY_FRACTION * sigma
    exp_crit = passes_exp = None
    if expanded:
        if u1 is None or u2 is None:
            raise StatisticsInputError(
                "the expanded stability criterion needs >= 2 results on each side"
            )
        exp_crit = crit + 2.0 * math.sqrt(u1**2 + u2**2)
        passes_exp = diff <= exp_crit
    return StabilityResult(
        mean_1=m1,
        mean_2=m2,
        difference=diff,
        sigma_pt=sigma,
        criterion=crit,
        passes=diff <= crit,
        u_mean_1=u1,
        u_mean_2=u2,
        expanded_criterion=exp_crit,
        passes_expanded=passes_exp,
    )
