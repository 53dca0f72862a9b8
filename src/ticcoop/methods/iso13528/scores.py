"""Performance statistics, ISO 13528:2022 clause 9, vectorised over participants' results.

Scores are computed from unrounded inputs; classifications use the unrounded scores.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._common import FloatArray, StatisticsInputError, finite, positive
from .assigned import AssignedValue, SigmaPt

SATISFACTORY = "satisfactory"
QUESTIONABLE = "questionable"
UNSATISFACTORY = "unsatisfactory"
NOT_SCORED = "not scored"
NEGLIGIBLE_FRACTION = 0.3  # 9.2.1 Formula (10): u(x_pt) ≤ 0.3·sigma_pt is negligible

StrArray = NDArray[np.str_]


def _values(x: ArrayLike | Iterable[float], what: str = "results") -> FloatArray:
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise StatisticsInputError(f"{what} must be numbers: {exc}") from exc
    bad = np.flatnonzero(~np.isfinite(arr.ravel()))
    if bad.size:
        raise StatisticsInputError(
            f"{what}: non-finite value at flat index {int(bad[0])}: {arr.ravel()[bad[0]]!r}"
        )
    return arr


def _nonnegative(u: ArrayLike | Iterable[float], what: str) -> FloatArray:
    arr = _values(u, what)
    if np.any(arr < 0):
        raise StatisticsInputError(f"{what} must be >= 0")
    return arr


def _divide(num: FloatArray, den: FloatArray, what: str) -> FloatArray:
    if np.any(den <= 0):
        raise StatisticsInputError(f"{what}: the denominator is zero")
    return np.asarray(num / den, dtype=np.float64)


def difference(x: ArrayLike, x_pt: float) -> FloatArray:
    """D = x − x_pt, ISO 13528:2022 9.3 Formula (11)."""
    return np.asarray(_values(x) - finite(x_pt, "x_pt"), dtype=np.float64)


def percent_difference(x: ArrayLike, x_pt: float) -> FloatArray:
    """D% = 100·(x − x_pt)/x_pt, ISO 13528:2022 9.3 Formula (12); x_pt must not be 0."""
    xp = finite(x_pt, "x_pt")
    if xp == 0:
        raise StatisticsInputError("D% is undefined for x_pt = 0")
    return np.asarray(100.0 * (_values(x) - xp) / xp, dtype=np.float64)


def percent_allowed(x: ArrayLike, x_pt: float, delta_e: float) -> FloatArray:
    """PA = 100·(x − x_pt)/δ_E, ISO 13528:2022 9.3 Formula (13); δ_E = allowed deviation."""
    return np.asarray(100.0 * difference(x, x_pt) / positive(delta_e, "delta_E"), dtype=np.float64)


def z_score(x: ArrayLike, x_pt: float, sigma_pt: float) -> FloatArray:
    """z = (x − x_pt)/sigma_pt, ISO 13528:2022 9.4 Formula (14)."""
    return np.asarray(difference(x, x_pt) / positive(sigma_pt, "sigma_pt"), dtype=np.float64)


def z_prime_score(x: ArrayLike, x_pt: float, sigma_pt: float, u_x_pt: float) -> FloatArray:
    """z' = (x − x_pt)/√(sigma_pt² + u²(x_pt)), ISO 13528:2022 9.5 Formula (15)."""
    sig = positive(sigma_pt, "sigma_pt")
    u = positive(u_x_pt, "u(x_pt)", allow_zero=True)
    return np.asarray(difference(x, x_pt) / math.hypot(sig, u), dtype=np.float64)


def zeta_score(x: ArrayLike, x_pt: float, u_x: ArrayLike, u_x_pt: float) -> FloatArray:
    """ζ = (x − x_pt)/√(u²(x) + u²(x_pt)), ISO 13528:2022 9.6 Formula (19)."""
    u = _nonnegative(u_x, "u(x)")
    up = positive(u_x_pt, "u(x_pt)", allow_zero=True)
    return _divide(difference(x, x_pt), np.sqrt(u**2 + up**2), "zeta")


def en_score(
    x: ArrayLike, x_pt: float, expanded_u_x: ArrayLike, expanded_u_x_pt: float
) -> FloatArray:
    """E_n = (x − x_pt)/√(U²(x) + U²(x_pt)), ISO 13528:2022 9.7 Formula (20)."""
    u = _nonnegative(expanded_u_x, "U(x)")
    up = positive(expanded_u_x_pt, "U(x_pt)", allow_zero=True)
    return _divide(difference(x, x_pt), np.sqrt(u**2 + up**2), "En")


def uncertainty_negligible(u_x_pt: float, sigma_pt: float) -> bool:
    """True if u(x_pt) ≤ 0.3·sigma_pt, ISO 13528:2022 9.2.1 Formula (10); else use z' (9.5)."""
    return positive(u_x_pt, "u(x_pt)", allow_zero=True) <= NEGLIGIBLE_FRACTION * positive(
        sigma_pt, "sigma_pt"
    )


def classify_z(scores: ArrayLike) -> StrArray:
    """|z| ≤ 2 satisfactory, 2 < |z| < 3 questionable, |z| ≥ 3 unsatisfactory, ISO 13528:2022 9.4.

    Also used for z' and ζ (9.5, 9.6).  NaN (not scored) → "not scored".
    """
    a = np.abs(np.asarray(scores, dtype=np.float64))
    out = np.where(a <= 2.0, SATISFACTORY, np.where(a < 3.0, QUESTIONABLE, UNSATISFACTORY))
    return np.where(np.isnan(a), NOT_SCORED, out)


def classify_en(scores: ArrayLike) -> StrArray:
    """|E_n| ≤ 1 satisfactory, |E_n| > 1 unsatisfactory, ISO 13528:2022 9.7."""
    a = np.abs(np.asarray(scores, dtype=np.float64))
    return np.where(np.isnan(a), NOT_SCORED, np.where(a <= 1.0, SATISFACTORY, UNSATISFACTORY))


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields, not tables
class ScoreTable:
    """All scores of one round for one measurand; censored rows hold NaN / "not scored"."""

    x_pt: float
    u_x_pt: float
    sigma_pt: float
    x: FloatArray
    scored: NDArray[np.bool_]
    d: FloatArray
    d_percent: FloatArray | None  # None when x_pt = 0
    pa: FloatArray | None  # None unless delta_e is given
    delta_e: float | None
    z: FloatArray
    z_prime: FloatArray
    z_used: str  # "z" or "z'"
    z_reason: str
    performance: StrArray  # classification of the score named by z_used
    zeta: FloatArray | None
    zeta_class: StrArray | None
    en: FloatArray | None
    en_class: StrArray | None
    k: float  # coverage factor of U(x_pt) used for E_n
    clause: str = "ISO 13528:2022 clause 9"


def _masked(values: FloatArray, scored: NDArray[np.bool_]) -> FloatArray:
    return np.where(scored, values, np.nan)


def score_results(
    x: ArrayLike,
    assigned: AssignedValue,
    sigma_pt: SigmaPt | float,
    *,
    u_x: ArrayLike | None = None,
    expanded_u_x: ArrayLike | None = None,
    k: float = 2.0,
    delta_e: float | None = None,
    censored: ArrayLike | None = None,
) -> ScoreTable:
    """D, D%, PA, z, z', ζ, E_n and classifications, ISO 13528:2022 clause 9.

    z' replaces z automatically when u(x_pt) > 0.3·sigma_pt (9.2.1); ``z_used`` says which.
    ζ needs ``u_x`` (standard uncertainties), E_n needs ``expanded_u_x`` and uses
    U(x_pt) = k·u(x_pt).  Rows flagged in ``censored`` are not scored (NaN).
    """
    vals = _values(x)
    if vals.ndim != 1:
        raise StatisticsInputError(f"results must be one-dimensional, got shape {vals.shape}")
    sig = sigma_pt.value if isinstance(sigma_pt, SigmaPt) else positive(sigma_pt, "sigma_pt")
    xp, up = assigned.x_pt, assigned.u_x_pt
    scored = np.ones(vals.size, dtype=bool)
    if censored is not None:
        mask = np.asarray(censored, dtype=bool)
        if mask.shape != vals.shape:
            raise StatisticsInputError("censored mask must have one flag per result")
        scored = ~mask
    z, zp = z_score(vals, xp, sig), z_prime_score(vals, xp, sig, up)
    negligible = uncertainty_negligible(up, sig)
    used = z if negligible else zp
    reason = (
        f"u(x_pt) = {up:.4g} {'<=' if negligible else '>'} 0.3·sigma_pt = {0.3 * sig:.4g}"
        " (ISO 13528:2022 9.2.1)"
    )
    zeta = None if u_x is None else _masked(zeta_score(vals, xp, u_x, up), scored)
    en = None
    if expanded_u_x is not None:
        en = _masked(en_score(vals, xp, expanded_u_x, assigned.expanded(k)), scored)
    return ScoreTable(
        x_pt=xp,
        u_x_pt=up,
        sigma_pt=sig,
        x=vals,
        scored=scored,
        d=_masked(difference(vals, xp), scored),
        d_percent=None if xp == 0 else _masked(percent_difference(vals, xp), scored),
        pa=None if delta_e is None else _masked(percent_allowed(vals, xp, delta_e), scored),
        delta_e=delta_e,
        z=_masked(z, scored),
        z_prime=_masked(zp, scored),
        z_used="z" if negligible else "z'",
        z_reason=reason,
        performance=classify_z(_masked(used, scored)),
        zeta=zeta,
        zeta_class=None if zeta is None else classify_z(zeta),
        en=en,
        en_class=None if en is None else classify_en(en),
        k=float(k),
    )
