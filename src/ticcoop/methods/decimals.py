"""Exact decimal arithmetic for published figures (pure Python, no Django).

A published figure that is compared with a rule ("|z| ≤ 2", "rounded half-up to two
decimals", "k = ceil(rate × N)") is computed from the decimals that were entered, not from
their binary-float neighbours: 52.845 − 52.0 is 0.845, and 0.845 / 2.6 is 0.325, which
rounds half-up to 0.33 (binary floats give 0.32499999… → 0.32).

* :func:`exact_decimal` reads a value as the decimal it stands for: ``str``, ``int`` and
  ``Decimal`` as given; a ``float`` through its shortest repr (the decimal that was typed
  and stored: every decimal of up to 15 significant digits survives a float round trip);
  a ``Fraction`` only when its decimal expansion is finite.
* :func:`round_half_up` rounds the *exact rational* value, so no working precision can turn
  a value just below a tie into a tie; a tie goes away from zero (−0.325 → −0.33).
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction

__all__ = ["DecimalInputError", "Number", "exact_decimal", "exact_fraction", "round_half_up"]

Number = Decimal | Fraction | float | int | str


class DecimalInputError(ValueError):
    """A value that is not a finite decimal number; the message names it."""


def exact_decimal(value: Number, what: str = "value") -> Decimal:
    """The exact decimal ``value`` stands for (see the module docstring)."""
    if isinstance(value, bool):
        raise DecimalInputError(f"{what} must be a number, got {value!r}")
    try:
        if isinstance(value, Decimal):
            result = value
        elif isinstance(value, float):
            result = Decimal(repr(value))
        elif isinstance(value, int):
            result = Decimal(value)
        elif isinstance(value, str):
            result = Decimal(value.strip())
        elif isinstance(value, Fraction):
            result = _fraction_to_decimal(value, what)
        else:
            raise DecimalInputError(f"{what} must be a number, got {value!r}")
    except InvalidOperation:
        raise DecimalInputError(f"{what} must be a decimal number, got {value!r}") from None
    if not result.is_finite():
        raise DecimalInputError(f"{what} must be finite, got {value!r}")
    return result


def exact_fraction(value: Number, what: str = "value") -> Fraction:
    """The exact rational value (a Fraction is taken as it is)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(exact_decimal(value, what))


def _fraction_to_decimal(value: Fraction, what: str) -> Decimal:
    denominator, twos, fives = value.denominator, 0, 0
    while denominator % 2 == 0:
        denominator, twos = denominator // 2, twos + 1
    while denominator % 5 == 0:
        denominator, fives = denominator // 5, fives + 1
    if denominator != 1:
        raise DecimalInputError(f"{what} has no finite decimal expansion: {value}")
    places = max(twos, fives)
    return Decimal(value.numerator * 10**places // value.denominator).scaleb(-places)


def round_half_up(value: Number, places: int = 2) -> Decimal:
    """Round the exact value half-up (a tie away from zero) to ``places`` decimals:
    0.325 → 0.33, −0.325 → −0.33, 1/3 → 0.33, 2.675 → 2.68."""
    exact = exact_fraction(value)
    units = math.floor(abs(exact) * 10**places + Fraction(1, 2))
    result = Decimal(units).scaleb(-places)
    return -result if exact < 0 else result
