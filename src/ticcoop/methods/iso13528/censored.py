"""Censored results ("<0.5", ">100"), ISO 13528:2022 5.5.3 and the example of E.1.

A censored result is kept as its limit plus a flag.  Before robust statistics, one of
three documented rules is applied (Table E.1 shows their effect):

* ``"exclude"``    – censored results are left out of the statistics (E.1 "deleted");
* ``"limit"``      – the limit is used as the value (E.1 "ignored", i.e. the sign ignored);
* ``"half-limit"`` – "<L" becomes L/2 (E.1 "0.5 × '<' value"); ">L" keeps L.

Whatever the rule, censored results are not given a numeric score (see ``scores``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ._common import FloatArray, StatisticsInputError

CensorRule = Literal["exclude", "limit", "half-limit"]
CENSOR_RULES: tuple[str, ...] = ("exclude", "limit", "half-limit")

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_PREFIXES = (("<=", -1), (">=", 1), ("≤", -1), ("≥", 1), ("<", -1), (">", 1))


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields, not tables
class CensoredResults:
    """Parsed results: numeric part and censor flag (−1 "<", +1 ">", 0 exact)."""

    values: FloatArray
    censor: NDArray[np.int8]

    @property
    def censored(self) -> NDArray[np.bool_]:
        return np.not_equal(self.censor, 0)

    @property
    def n_censored(self) -> int:
        return int(np.count_nonzero(self.censor))


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields, not tables
class CensorTreatment:
    """Values that enter the statistics after applying ``rule``; ``included`` indexes the input."""

    rule: str
    values: FloatArray
    included: NDArray[np.bool_]
    n_censored: int


def parse_result(text: str | float) -> tuple[float, int]:
    """Parse one reported result into (value, censor flag), ISO 13528:2022 5.5.3.

    Accepts "12.3", "<0.5", "< 0.5", "≤0.5", ">100", "＜0.5" (full-width forms are
    NFKC-normalised).  Raises :class:`StatisticsInputError` for anything else.
    """
    if isinstance(text, int | float):
        value = float(text)
        if not math.isfinite(value):
            raise StatisticsInputError(f"result {text!r} is not a finite number")
        return value, 0
    s = unicodedata.normalize("NFKC", str(text)).strip()
    flag = 0
    for prefix, sign in _PREFIXES:
        if s.startswith(prefix):
            flag, s = sign, s[len(prefix) :].strip()
            break
    if not _NUMBER.fullmatch(s):
        raise StatisticsInputError(
            f"result {text!r} is not a number or a censored value like '<0.5'"
        )
    return float(s), flag


def parse_results(texts: Iterable[str | float]) -> CensoredResults:
    """Parse many results; the error names the 0-based index and the offending text."""
    values: list[float] = []
    flags: list[int] = []
    for i, text in enumerate(texts):
        try:
            v, c = parse_result(text)
        except StatisticsInputError as exc:
            raise StatisticsInputError(f"result at index {i}: {exc}") from exc
        values.append(v)
        flags.append(c)
    return CensoredResults(np.array(values, dtype=np.float64), np.array(flags, dtype=np.int8))


def apply_censor_rule(results: CensoredResults, rule: CensorRule = "exclude") -> CensorTreatment:
    """Values for the statistics under ``rule`` (module docstring; ISO 13528:2022 E.1)."""
    if rule not in CENSOR_RULES:
        raise StatisticsInputError(f"censor rule must be one of {CENSOR_RULES}, got {rule!r}")
    mask = results.censored
    if rule == "exclude":
        return CensorTreatment(rule, results.values[~mask], ~mask, results.n_censored)
    values = results.values.copy()
    if rule == "half-limit":
        less = results.censor < 0
        if np.any(values[less] <= 0):
            raise StatisticsInputError("'half-limit' needs positive limits for '<' results")
        values[less] *= 0.5
    return CensorTreatment(rule, values, np.ones(values.size, dtype=bool), results.n_censored)
