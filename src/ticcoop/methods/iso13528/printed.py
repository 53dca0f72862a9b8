"""The z (or z′) score as printed in a PT report, and the classification of that figure.

ISO 13528:2022 9.4 classifies |z| ≤ 2.0 as satisfactory, 2.0 < |z| < 3.0 as questionable
(a warning signal) and |z| ≥ 3.0 as unsatisfactory (an action signal).  The published
rule of this platform (docs/methods/iso13528.md, "Printed scores") is that the report
prints each score rounded half-up to two decimals, **and the classification is made on
that printed figure**, so that a participant, an assessor or an accreditation body
reading the report reaches the same verdict from the printed number: a z of 2.004 is
printed as 2.00 and is satisfactory; a z of 2.005 is printed as 2.01 and is questionable.

The printed figure is computed from the decimals: the result as entered, and x_pt,
sigma_pt and u(x_pt) through their shortest repr (they come out of Algorithm A and the
other estimators as binary floats and are stored and shown that way).  z is then an exact
rational number and is rounded exactly; z′ has a square root and is computed with 50
significant digits (it is irrational unless the root is exact, so it cannot sit on a tie
that 50 digits would misplace).
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

from ticcoop.methods.decimals import Number, exact_fraction, round_half_up

from ._common import StatisticsInputError
from .scores import NOT_SCORED, QUESTIONABLE, SATISFACTORY, UNSATISFACTORY

__all__ = ["PRINTED_PLACES", "classify_printed", "printed_z", "printed_z_prime"]

#: Scores are printed with two decimals.
PRINTED_PLACES = 2


def printed_z(x: Number, x_pt: Number, sigma_pt: Number) -> Decimal:
    """z = (x − x_pt)/sigma_pt (9.4, Formula 14), exact, rounded half-up to two decimals."""
    sigma = exact_fraction(sigma_pt, "sigma_pt")
    if sigma <= 0:
        raise StatisticsInputError(f"sigma_pt must be > 0, got {sigma_pt!r}")
    difference = exact_fraction(x, "result") - exact_fraction(x_pt, "x_pt")
    return round_half_up(difference / sigma, PRINTED_PLACES)


def printed_z_prime(x: Number, x_pt: Number, sigma_pt: Number, u_x_pt: Number) -> Decimal:
    """z′ = (x − x_pt)/√(sigma_pt² + u²(x_pt)) (9.5, Formula 15), rounded half-up to two
    decimals from a 50-digit square root (exact when the root is)."""
    sigma, u = exact_fraction(sigma_pt, "sigma_pt"), exact_fraction(u_x_pt, "u(x_pt)")
    if sigma <= 0 or u < 0:
        raise StatisticsInputError("z' needs sigma_pt > 0 and u(x_pt) >= 0")
    if u == 0:
        return printed_z(x, x_pt, sigma_pt)
    square = sigma * sigma + u * u
    difference = exact_fraction(x, "result") - exact_fraction(x_pt, "x_pt")
    root_n, root_d = math.isqrt(square.numerator), math.isqrt(square.denominator)
    if root_n * root_n == square.numerator and root_d * root_d == square.denominator:
        return round_half_up(difference / Fraction(root_n, root_d), PRINTED_PLACES)
    with localcontext() as ctx:
        ctx.prec = 50
        root = (Decimal(square.numerator) / Decimal(square.denominator)).sqrt()
        quotient = Decimal(difference.numerator) / Decimal(difference.denominator) / root
    return round_half_up(quotient, PRINTED_PLACES)


def classify_printed(printed: Decimal | None) -> str:
    """ISO 13528:2022 9.4 classes on the printed figure; None (not scored) → "not scored"."""
    if printed is None:
        return NOT_SCORED
    size = abs(printed)
    if size <= 2:
        return SATISFACTORY
    return QUESTIONABLE if size < 3 else UNSATISFACTORY
