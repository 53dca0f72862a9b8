"""Q method (scale), Hampel estimator (location) and Q/Hampel, ISO 13528:2022 C.5.

Implemented for one result per participant (n_i = 1 in Formula (C.22)); the Q method
needs all p(p − 1)/2 pairwise differences, so p is capped at :data:`Q_METHOD_MAX_P`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

from ._common import FloatArray, StatisticsInputError, as_results, positive
from .robust import RobustEstimate, median, small_round_fields

Q_METHOD_MAX_P = 5000  # 12.5 million pairwise differences, ~100 MB
HAMPEL_A, HAMPEL_B, HAMPEL_C = 1.5, 3.0, 4.5  # C.5.3.2, Formula (C.30)
_NODE_OFFSETS = np.array([-HAMPEL_C, -HAMPEL_B, -HAMPEL_A, HAMPEL_A, HAMPEL_B, HAMPEL_C])


def _pairwise_differences(sorted_y: FloatArray) -> FloatArray:
    """All y_k − y_j (k > j) of sorted data, built lag by lag to avoid index arrays."""
    p = sorted_y.size
    return np.concatenate([sorted_y[lag:] - sorted_y[:-lag] for lag in range(1, p)])


def q_method(values: ArrayLike | Iterable[float]) -> float:
    """Robust SD by the Q method, ISO 13528:2022 C.5.2.2, Formulae (C.22)–(C.25).

    H1(x) is the fraction of pairwise |y_j − y_k| ≤ x; at its discontinuities x_1 < … < x_L,
    G1(x_l) = ½[H1(x_l) + H1(x_{l−1})] (G1(x_1) = ½H1(x_1) if x_1 > 0, else 0; G1(0) = 0),
    linearly interpolated.  s* = G1⁻¹(0.25 + 0.75·H1(0)) / (√2·Φ⁻¹(0.625 + 0.375·H1(0))).
    """
    y = np.sort(as_results(values))
    p = y.size
    if p > Q_METHOD_MAX_P:
        raise StatisticsInputError(
            f"the Q method needs all pairwise differences; p = {p} exceeds {Q_METHOD_MAX_P}"
        )
    if y[0] == y[-1]:
        return 0.0
    points, counts = np.unique(_pairwise_differences(y), return_counts=True)
    h1 = np.cumsum(counts) / (p * (p - 1) / 2)
    h0 = float(h1[0]) if points[0] == 0.0 else 0.0
    if points[0] == 0.0:
        gx = points
        g = np.concatenate(([0.0], 0.5 * (h1[1:] + h1[:-1])))
    else:
        gx = np.concatenate(([0.0], points))
        g = np.concatenate(([0.0, 0.5 * h1[0]], 0.5 * (h1[1:] + h1[:-1])))
    numerator = float(np.interp(0.25 + 0.75 * h0, g, gx))
    # scipy.stats costs ~1 s to import; load it only when Q/Hampel actually runs.
    from scipy.stats import norm

    return numerator / (math.sqrt(2.0) * float(norm.ppf(0.625 + 0.375 * h0)))


def _psi_sums(y: FloatArray, nodes: FloatArray, scale: float) -> FloatArray:
    """Ψ(t) = Σ_i ψ((y_i − t)/s*) at each node t, Formula (C.30), evaluated in row blocks."""
    out = np.empty(nodes.size)
    block = max(1, 2_000_000 // y.size)
    for start in range(0, nodes.size, block):
        q = (y[None, :] - nodes[start : start + block, None]) / scale
        a = np.abs(q)
        psi = np.where(
            a <= HAMPEL_A,
            q,
            np.where(
                a <= HAMPEL_B,
                HAMPEL_A * np.sign(q),
                np.where(a <= HAMPEL_C, (HAMPEL_C - a) * np.sign(q), 0.0),
            ),
        )
        out[start : start + block] = psi.sum(axis=1)
    return out


def _roots(nodes: FloatArray, psi: FloatArray, med: float, zero: float) -> FloatArray:
    """All solutions of Ψ(t) = 0 (Ψ is linear between nodes), C.5.3.3 steps c)–d)."""
    left, right = nodes[:-1], nodes[1:]
    pl, pr = psi[:-1], psi[1:]
    at_nodes = nodes[np.abs(psi) <= zero]
    crossing = (pl * pr < 0) & (np.abs(pl) > zero) & (np.abs(pr) > zero)
    cl, cr, cpl, cpr = left[crossing], right[crossing], pl[crossing], pr[crossing]
    interpolated = cl - cpl * (cr - cl) / (cpr - cpl)
    # Ψ ≡ 0 on a whole interval: its point nearest the median is a solution too.
    flat = (np.abs(pl) <= zero) & (np.abs(pr) <= zero)
    plateau = np.clip(med, left[flat], right[flat])
    return np.concatenate((at_nodes, interpolated, plateau))


def hampel(values: ArrayLike | Iterable[float], scale: float) -> float:
    """Hampel M-estimate of location by the finite-step algorithm, ISO 13528:2022 C.5.3.3.

    Nodes y_i ± {1.5, 3, 4.5}·s*; Ψ is evaluated at each node; between nodes Ψ is linear,
    so each sign change gives a root by linear interpolation.  x* is the root nearest the
    median; if two roots are equally near, or there is none, x* is the median.
    """
    y = as_results(values)
    s = positive(scale, "scale s*", allow_zero=True)
    med = median(y)
    if s == 0.0:
        return med
    nodes = np.unique((y[:, None] + _NODE_OFFSETS[None, :] * s).ravel())
    zero = 1e-12 * y.size
    roots = _roots(nodes, _psi_sums(y, nodes, s), med, zero)
    if roots.size == 0:
        return med
    dist = np.abs(roots - med)
    nearest = roots[dist <= dist.min() + 1e-12 * s]
    if np.ptp(nearest) > 1e-12 * s:  # two distinct roots equally near the median
        return med
    return float(nearest[0])


def q_hampel(values: ArrayLike | Iterable[float]) -> RobustEstimate:
    """Q/Hampel: Q-method s* (C.5.2) and Hampel x* (C.5.3.3), ISO 13528:2022 C.5.4.

    Not iterative: ``iterations`` is 0 and ``stopping_rule`` is None.
    """
    y = as_results(values)
    s = q_method(y)
    small, alternatives = small_round_fields(y)
    med = median(y)
    return RobustEstimate(
        method="q-hampel",
        clause="ISO 13528:2022 C.5.4 (C.5.2.2, C.5.3.3)",
        x_star=hampel(y, s),
        s_star=s,
        p=y.size,
        iterations=0,
        stopping_rule=None,
        tolerance=None,
        max_iter=None,
        converged=True,
        start_x=med,
        start_s=s,
        scale_source="Q method" if s > 0 else "all equal",
        scale_fixed=False,
        small_round=small,
        alternatives=alternatives,
    )
