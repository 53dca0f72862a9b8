"""Shared input checks and constants for the ISO 13528:2022 package."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

MADE_FACTOR = 1.483  # C.2.2
NIQR_FACTOR = 0.7413  # C.2.3
ALG_A_DELTA_FACTOR = 1.5  # C.3.1, Formula (C.7)
ALG_A_SD_FACTOR = 1.134  # C.3.1, Formula (C.10)
U_CONSENSUS_FACTOR = 1.25  # 7.7.7, Formula (6)
SMALL_ROUND_P = 12  # Annex D.1: robust statistics are unreliable below ~12 results


class StatisticsInputError(ValueError):
    """Input that the ISO 13528 calculations cannot accept; the message says why."""


def as_results(
    values: ArrayLike | Iterable[float], *, what: str = "results", min_count: int = 2
) -> FloatArray:
    """Return ``values`` as a finite 1-D float64 array with at least ``min_count`` entries."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise StatisticsInputError(f"{what} must be numbers: {exc}") from exc
    if arr.ndim != 1:
        raise StatisticsInputError(f"{what} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise StatisticsInputError(f"{what} are empty")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        i = int(bad[0])
        raise StatisticsInputError(
            f"{what} contain {bad.size} non-finite value(s); first at index {i}: {arr[i]!r}"
        )
    if arr.size < min_count:
        raise StatisticsInputError(
            f"{what}: {arr.size} value(s) given, at least {min_count} are needed"
        )
    return arr


def positive(value: float, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as float after checking it is finite and > 0 (or >= 0)."""
    v = float(value)
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise StatisticsInputError(f"{name} must be finite and {bound}, got {value!r}")
    return v


def finite(value: float, name: str) -> float:
    """Return ``value`` as float after checking it is finite."""
    v = float(value)
    if not math.isfinite(v):
        raise StatisticsInputError(f"{name} must be finite, got {value!r}")
    return v


def fast_median(work: FloatArray) -> float:
    """Median of ``work``, partially sorting it IN PLACE (the caller passes a scratch copy).

    ``np.median`` (and partitioning on two ranks) is several times slower on 1e6 values
    than one single-rank partition; for even n the lower middle value is then the
    maximum of the lower half.
    """
    n = work.size
    mid = n // 2
    work.partition(mid)
    if n % 2:
        return float(work[mid])
    return float(0.5 * (work[:mid].max() + work[mid]))
