"""Assigned value x_pt with u(x_pt) (ISO 13528:2022 clause 7) and sigma_pt (clause 8)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from numpy.typing import ArrayLike

from ._common import StatisticsInputError, finite, positive
from .qhampel import q_hampel
from .robust import (
    DEFAULT_MAX_ITER,
    DEFAULT_TOL,
    RobustEstimate,
    StoppingRule,
    algorithm_a,
)

RobustMethod = Literal["algorithm-a", "q-hampel"]
ROBUST_METHODS: tuple[str, ...] = ("algorithm-a", "q-hampel")

HORWITZ_LOW, HORWITZ_HIGH = 1.2e-7, 0.138  # Thompson (2000) breakpoints, 8.4


@dataclass(frozen=True)
class AssignedValue:
    """x_pt with its uncertainty budget, ISO 13528:2022 7.2.2 Formulae (2), (3)."""

    x_pt: float
    u_x_pt: float  # √(u_char² + u_hom² + u_stab² + u_trans²)
    u_char: float
    u_hom: float
    u_stab: float
    u_trans: float
    source: str
    clause: str
    robust: RobustEstimate | None = None

    def expanded(self, k: float = 2.0) -> float:
        """U(x_pt) = k·u(x_pt) (k = 2 for En scores, 9.7)."""
        return positive(k, "coverage factor k") * self.u_x_pt

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if self.robust is not None:
            out["robust"] = self.robust.as_dict()
        return out


@dataclass(frozen=True)
class SigmaPt:
    """Standard deviation for proficiency assessment, ISO 13528:2022 clause 8."""

    value: float
    source: str
    clause: str
    detail: str


def robust_estimate(
    values: ArrayLike | Iterable[float],
    *,
    method: RobustMethod = "algorithm-a",
    stop: StoppingRule = "sig3",
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
) -> RobustEstimate:
    """Algorithm A (C.3.1) or Q/Hampel (C.5.4) by name, ISO 13528:2022 Annex C."""
    if method == "algorithm-a":
        return algorithm_a(values, stop=stop, tol=tol, max_iter=max_iter)
    if method == "q-hampel":
        return q_hampel(values)
    raise StatisticsInputError(f"robust method must be one of {ROBUST_METHODS}, got {method!r}")


def _assigned(
    x_pt: float,
    u_char: float,
    terms: tuple[float, float, float],
    source: str,
    clause: str,
    robust: RobustEstimate | None = None,
) -> AssignedValue:
    u_hom, u_stab, u_trans = (
        positive(t, name, allow_zero=True)
        for t, name in zip(terms, ("u_hom", "u_stab", "u_trans"), strict=True)
    )
    u = math.sqrt(u_char**2 + u_hom**2 + u_stab**2 + u_trans**2)
    return AssignedValue(
        finite(x_pt, "x_pt"), u, u_char, u_hom, u_stab, u_trans, source, clause, robust
    )


def from_formulation(
    value: float,
    u_formulation: float,
    *,
    u_hom: float = 0.0,
    u_stab: float = 0.0,
    u_trans: float = 0.0,
) -> AssignedValue:
    """x_pt from the formulation (known addition), ISO 13528:2022 7.3; u_char from the recipe."""
    u = positive(u_formulation, "u_formulation", allow_zero=True)
    return _assigned(value, u, (u_hom, u_stab, u_trans), "formulation", "ISO 13528:2022 7.3")


def from_certified_value(
    value: float,
    expanded_u: float,
    k: float = 2.0,
    *,
    u_hom: float = 0.0,
    u_stab: float = 0.0,
    u_trans: float = 0.0,
) -> AssignedValue:
    """x_pt = certified value of a CRM, u_char = U_CRM/k, ISO 13528:2022 7.4."""
    u = positive(expanded_u, "expanded uncertainty U", allow_zero=True) / positive(k, "k")
    return _assigned(
        value, u, (u_hom, u_stab, u_trans), "certified reference value", "ISO 13528:2022 7.4"
    )


def _from_results(
    results: ArrayLike | Iterable[float],
    method: RobustMethod,
    stop: StoppingRule,
    tol: float,
    max_iter: int,
    terms: tuple[float, float, float],
    source: str,
    clause: str,
) -> AssignedValue:
    est = robust_estimate(results, method=method, stop=stop, tol=tol, max_iter=max_iter)
    return _assigned(est.x_star, est.u_x_pt, terms, source, clause, est)


def from_expert_consensus(
    results: ArrayLike | Iterable[float],
    *,
    method: RobustMethod = "algorithm-a",
    stop: StoppingRule = "sig3",
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    u_hom: float = 0.0,
    u_stab: float = 0.0,
    u_trans: float = 0.0,
) -> AssignedValue:
    """x_pt = robust mean of expert laboratories' results, ISO 13528:2022 7.6.

    7.6 prescribes no estimator; the participants' rule (7.7.7) is applied to the experts'
    results: u_char = 1.25·s*/√p.
    """
    return _from_results(
        results,
        method,
        stop,
        tol,
        max_iter,
        (u_hom, u_stab, u_trans),
        "expert consensus",
        "ISO 13528:2022 7.6",
    )


def from_participants(
    results: ArrayLike | Iterable[float],
    *,
    method: RobustMethod = "algorithm-a",
    stop: StoppingRule = "sig3",
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    u_hom: float = 0.0,
    u_stab: float = 0.0,
    u_trans: float = 0.0,
) -> AssignedValue:
    """x_pt = participants' robust consensus, u_char = 1.25·s*/√p, ISO 13528:2022 7.7.7."""
    return _from_results(
        results,
        method,
        stop,
        tol,
        max_iter,
        (u_hom, u_stab, u_trans),
        "participants' consensus",
        "ISO 13528:2022 7.7",
    )


def sigma_fitness_for_purpose(
    *, value: float | None = None, percent: float | None = None, x_pt: float | None = None
) -> SigmaPt:
    """sigma_pt fixed by fitness for purpose (a value, or % of |x_pt|), ISO 13528:2022 8.2."""
    if value is not None:
        if percent is not None:
            raise StatisticsInputError("give either value= or percent= for sigma_pt, not both")
        v = positive(value, "sigma_pt")
        return SigmaPt(v, "fitness for purpose", "ISO 13528:2022 8.2", f"fixed value {v!r}")
    if percent is None or x_pt is None:
        raise StatisticsInputError("give value=, or percent= together with x_pt=, for sigma_pt")
    pct = positive(percent, "percent")
    v = positive(abs(finite(x_pt, "x_pt")) * pct / 100.0, "sigma_pt (percent of x_pt)")
    return SigmaPt(v, "fitness for purpose", "ISO 13528:2022 8.2", f"{pct!r} % of |x_pt|")


def horwitz_sigma(mass_fraction: float) -> float:
    """Horwitz σ with Thompson's modification, ISO 13528:2022 8.4 Formula (8).

    c is a dimensionless mass fraction (1 mg/kg = 1e-6); the result is a mass fraction:
    0.22·c for c < 1.2e-7, 0.02·c^0.8495 up to c = 0.138, 0.01·c^0.5 above.
    """
    c = positive(mass_fraction, "mass fraction c")
    if c > 1.0:
        raise StatisticsInputError(f"mass fraction c must be <= 1, got {mass_fraction!r}")
    if c < HORWITZ_LOW:
        return 0.22 * c
    if c <= HORWITZ_HIGH:
        return 0.02 * math.pow(c, 0.8495)
    return 0.01 * math.sqrt(c)


def sigma_horwitz(mass_fraction: float) -> SigmaPt:
    """sigma_pt from the Horwitz/Thompson general model, ISO 13528:2022 8.4."""
    return SigmaPt(
        horwitz_sigma(mass_fraction),
        "Horwitz (Thompson modification)",
        "ISO 13528:2022 8.4",
        f"c = {mass_fraction!r} (mass fraction)",
    )


def sigma_previous_rounds(value: float) -> SigmaPt:
    """sigma_pt taken from previous rounds of the scheme, ISO 13528:2022 8.3."""
    return SigmaPt(
        positive(value, "sigma_pt"), "previous rounds", "ISO 13528:2022 8.3", "given value"
    )


def sigma_from_precision(sigma_r_big: float, sigma_r: float, n: int) -> SigmaPt:
    """sigma_pt = √(σ_R² − σ_r²·(1 − 1/n)) from a precision study, ISO 13528:2022 8.5 (9)."""
    big, small = positive(sigma_r_big, "sigma_R"), positive(sigma_r, "sigma_r", allow_zero=True)
    if int(n) != n or n < 1:
        raise StatisticsInputError(f"replicates n must be an integer >= 1, got {n!r}")
    var = big**2 - small**2 * (1.0 - 1.0 / n)
    if var <= 0:
        raise StatisticsInputError("sigma_R² − sigma_r²(1 − 1/n) must be > 0")
    return SigmaPt(
        math.sqrt(var),
        "precision experiment",
        "ISO 13528:2022 8.5",
        f"sigma_R={big!r}, sigma_r={small!r}, n={n}",
    )


def sigma_robust_sd(estimate: RobustEstimate) -> SigmaPt:
    """sigma_pt = s* of the participants' results in this round, ISO 13528:2022 8.6."""
    v = positive(estimate.s_star, "robust SD s*")
    return SigmaPt(
        v,
        "robust SD of this round",
        "ISO 13528:2022 8.6",
        f"s* by {estimate.method}, p={estimate.p}",
    )
