"""Stratified consistent sampling with replacement lists (递补名单).

Pure Python, no Django.  Targets are partitioned into strata keyed by
(region, risk class A–D, inspection item); each stratum is sampled independently
with Rivest's consistent sampling (arXiv:1808.10016, see :mod:`ticcoop.methods.draw`)
under its own derived seed.  Rules, each redoable in any language:

* **Sample size.**  ``k = ceil(rate × N)`` for a stratum of ``N`` targets, computed
  exactly in rational arithmetic from the rate *as written in decimal* (``"0.05"``;
  a float is read through its shortest repr, so ``0.05`` means 1/20).  Hence a
  non-empty stratum with ``rate > 0`` always gets at least one target, and ``k ≤ N``.
* **Stratum seed.**  ``"ticcoop-stratum-v1|" + seed + "|" + region + "|" + risk_class
  + "|" + item``.  Region, class and item may not contain ``|`` or line breaks, so the
  string parses uniquely (the seed is everything between the label and the third-last
  ``|``).  The stratum's order is then exactly
  ``consistent_sampler.sampler(stratum_ids, seed=stratum_seed)``.
* **Replacement list.**  The next ``replacements`` ids of the same stratum order after
  the ``k`` drawn (fewer if the stratum runs out); a replacement is used in list order
  when a drawn target turns out to be closed, already inspected, etc.
* A target may belong to several strata (one per inspection item); ids must be
  distinct within a stratum.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ticcoop.methods.draw import DrawInputError, Ticket, sample

__all__ = [
    "RISK_CLASSES",
    "STRATUM_SEED_LABEL",
    "Rate",
    "StratifiedDraw",
    "StratumDraw",
    "StratumKey",
    "draw_stratified",
    "group_by_stratum",
    "parse_rate",
    "sample_size",
    "stratum_seed",
]

RISK_CLASSES = ("A", "B", "C", "D")
STRATUM_SEED_LABEL = "ticcoop-stratum-v1"
_FORBIDDEN = ("|", "\n", "\r")

Rate = str | int | float | Decimal | Fraction


@dataclass(frozen=True, order=True)
class StratumKey:
    """(region, risk class, inspection item); ordered by code point, field by field."""

    region: str
    risk_class: str
    item: str

    def __post_init__(self) -> None:
        if self.risk_class not in RISK_CLASSES:
            raise DrawInputError(
                f"risk class must be one of {', '.join(RISK_CLASSES)}, got {self.risk_class!r}"
            )
        for name in ("region", "item"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise DrawInputError(f"stratum {name} must be a non-empty string, got {value!r}")
            if any(mark in value for mark in _FORBIDDEN):
                raise DrawInputError(f"stratum {name} {value!r} may not contain '|' or line breaks")


@dataclass(frozen=True)
class StratumDraw:
    """One stratum's result: ``drawn`` (size ``k``) then ``replacements``, in ticket order."""

    key: StratumKey
    seed: str
    population: int
    rate: Fraction
    drawn: tuple[Ticket, ...]
    replacements: tuple[Ticket, ...]

    @property
    def size(self) -> int:
        return len(self.drawn)


@dataclass(frozen=True)
class StratifiedDraw:
    """All strata of one draw, sorted by key."""

    seed: str
    strata: tuple[StratumDraw, ...]

    def drawn_ids(self) -> list[str]:
        return [ticket.id for stratum in self.strata for ticket in stratum.drawn]


def parse_rate(rate: Rate) -> Fraction:
    """Exact value of ``rate`` in [0, 1]; floats are read via their shortest repr."""
    if isinstance(rate, bool):
        raise DrawInputError(f"rate must be a number, got {rate!r}")
    try:
        if isinstance(rate, float):
            value = Fraction(repr(rate))  # 0.05 -> 1/20, not the binary approximation
        elif isinstance(rate, str):
            value = Fraction(rate.strip())
        else:
            value = Fraction(rate)
    except (ValueError, ZeroDivisionError, TypeError):
        raise DrawInputError(f"rate {rate!r} is not a decimal number") from None
    if not 0 <= value <= 1:
        raise DrawInputError(f"rate must be between 0 and 1, got {rate!r}")
    return value


def sample_size(rate: Rate, population: int) -> int:
    """``ceil(rate × population)``, exact (so ≥ 1 whenever rate > 0 and population > 0)."""
    if population < 0:
        raise DrawInputError(f"population must be >= 0, got {population}")
    return math.ceil(parse_rate(rate) * population)


def stratum_seed(seed: str, key: StratumKey) -> str:
    """The seed of one stratum (see module docstring)."""
    return "|".join((STRATUM_SEED_LABEL, seed, key.region, key.risk_class, key.item))


def group_by_stratum(rows: Iterable[tuple[str, str, str, str]]) -> dict[StratumKey, list[str]]:
    """Group ``(id, region, risk_class, item)`` rows into stratum id lists (input order)."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for target_id, region, risk_class, item in rows:
        groups.setdefault((region, risk_class, item), []).append(target_id)
    return {StratumKey(*key): ids for key, ids in groups.items()}


def draw_stratified(
    population: Mapping[StratumKey, Sequence[str]],
    rates: Mapping[StratumKey, Rate],
    seed: str,
    *,
    replacements: int = 0,
    default_rate: Rate | None = None,
) -> StratifiedDraw:
    """Draw every stratum of ``population`` at its rate, with a replacement list each.

    ``rates`` must cover every stratum unless ``default_rate`` is given; rates for
    strata absent from ``population`` are ignored (those strata are empty).
    """
    if isinstance(replacements, bool) or not isinstance(replacements, int) or replacements < 0:
        raise DrawInputError(f"replacements must be an integer >= 0, got {replacements!r}")
    if not isinstance(seed, str) or not seed:
        raise DrawInputError("seed must be a non-empty string")
    strata = tuple(
        _draw_one(key, population[key], _rate_for(key, rates, default_rate), seed, replacements)
        for key in sorted(population)
    )
    return StratifiedDraw(seed=seed, strata=strata)


def _rate_for(key: StratumKey, rates: Mapping[StratumKey, Rate], default: Rate | None) -> Fraction:
    if key in rates:
        return parse_rate(rates[key])
    if default is None:
        raise DrawInputError(
            f"no rate for stratum ({key.region}, {key.risk_class}, {key.item}) and no default rate"
        )
    return parse_rate(default)


def _draw_one(
    key: StratumKey, ids: Sequence[str], rate: Fraction, seed: str, replacements: int
) -> StratumDraw:
    size = math.ceil(rate * len(ids))
    own_seed = stratum_seed(seed, key)
    try:
        tickets = sample(ids, own_seed, take=size + replacements)
    except DrawInputError as exc:
        where = f"stratum ({key.region}, {key.risk_class}, {key.item})"
        raise DrawInputError(f"{where}: {exc}") from None
    return StratumDraw(
        key=key,
        seed=own_seed,
        population=len(ids),
        rate=rate,
        drawn=tuple(tickets[:size]),
        replacements=tuple(tickets[size:]),
    )
