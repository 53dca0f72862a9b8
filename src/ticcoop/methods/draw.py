"""Consistent sampling of inspection targets (双随机、一公开: the "random target" half).

Pure Python + numpy, no Django.  The method is Rivest's consistent sampling
(R. L. Rivest, "Consistent Sampling with Replacement", arXiv:1808.10016), used
*without* replacement, and it reproduces the reference implementation — the PyPI
package ``consistent-sampler`` 1.0.10 — ticket for ticket and position for position:

* ``seed_hash = SHA256_hex(UTF8(seed))`` (64 lower-case hex characters);
* for each id, ``x = int(SHA256_hex(UTF8(seed_hash + id)), 16)``, a 256-bit integer;
* the ticket number is the decimal fraction ``"0." + reverse(format(x, "064d"))``:
  the decimal digits of ``x``, zero-padded on the left to at least 64 digits, read
  from the least significant digit (the package reverses them because low-order
  decimal digits are the unbiased ones);
* the sample is the ids in increasing ticket order (tickets compared as strings,
  which for these fractions equals numeric order), ties broken by the id string;
  a sample of size ``k`` is the ``k`` smallest tickets.

``sample(ids, seed, take=k)`` equals
``list(consistent_sampler.sampler(ids, seed=seed, take=k, output='tuple'))`` and
:func:`format_ticket` reproduces the package's ``digits=`` truncation.

Speed: the package builds one decimal string per id and a heap of them.  Here the
only per-id Python work is one SHA-256, continued from the state after the 64-byte
``seed_hash`` block; the digests go into a numpy array, from which the first 9 ticket
digits (= the 9 low decimal digits of ``x``, reversed) are computed vectorised as
``x mod 10**9``.  Selection (``numpy.partition``) uses those 9-digit prefixes; only
candidates whose prefixes are equal are ordered by their exact tickets, and only the
chosen tickets are ever written as decimals.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "DrawInputError",
    "DuplicateIdError",
    "Ticket",
    "display_ticket",
    "format_ticket",
    "sample",
    "sample_order",
    "seed_hash",
    "ticket_digits",
    "ticket_for",
    "ticket_number",
]

#: Ids hashed per batch: the batch's digest objects stay in CPU cache (measured
#: ~15% faster than 1 << 17 and on par with a bare hashlib loop).
_CHUNK = 1 << 12
#: Digests per vectorised prefix step: small enough for the temporaries to stay in cache.
_PREFIX_CHUNK = 1 << 14
#: Ticket digits obtained vectorised (x mod 10**9 fits in uint32).
_PREFIX_DIGITS = 9
_PREFIX_MOD = 10**_PREFIX_DIGITS
#: x = sum(w_j * 65536**(15-j)) over the 16 big-endian 16-bit words of the digest,
#: so x mod 10**9 = sum(w_j * c_j) mod 10**9 with c_j < 2**30; the sum < 2**50
#: cannot overflow uint64.
_WORD_WEIGHTS = np.array([pow(65536, 15 - j, _PREFIX_MOD) for j in range(16)], dtype=np.uint64)
#: Reverses a 3-digit group: 123 -> 321, 7 (= "007") -> 700.
_REVERSE3 = np.array([int(f"{i:03d}"[::-1]) for i in range(1000)], dtype=np.uint32)

try:  # CPython's built-in SHA-256: copying its state is much cheaper than OpenSSL's
    from _sha256 import sha256 as _sha256_state  # Python 3.11
except ImportError:  # pragma: no cover - other versions / builds
    try:
        from _sha2 import sha256 as _sha256_state  # Python 3.12+
    except ImportError:
        _sha256_state = hashlib.sha256

Prefixes = npt.NDArray[np.uint32]
Digests = npt.NDArray[np.uint8]


class DrawInputError(ValueError):
    """The ids or parameters of a draw are invalid; the message says which and why."""


class DuplicateIdError(DrawInputError):
    """An id occurs twice; ``first`` and ``second`` are its 0-based positions."""

    def __init__(self, target_id: str, first: int, second: int) -> None:
        super().__init__(f"duplicate id {target_id!r} at positions {first + 1} and {second + 1}")
        self.target_id, self.first, self.second = target_id, first, second


# ---------------------------------------------------------------------------
# Tickets
# ---------------------------------------------------------------------------


def seed_hash(seed: str) -> str:
    """``SHA256_hex(UTF8(seed))``, the package's ``sha256_hex(seed)``."""
    return hashlib.sha256(_encode(seed, "seed")).hexdigest()


def ticket_digits(value: int) -> str:
    """The digits after ``"0."`` of the ticket for SHA-256 integer ``value``."""
    return f"{value:064d}"[::-1]


def ticket_number(value: int) -> str:
    """Full ticket number (``consistent_sampler.first_fraction``) for ``value``."""
    return "0." + ticket_digits(value)


def format_ticket(number: str, digits: int = 18) -> str:
    """Truncate ticket ``number`` as ``consistent_sampler.trim`` does for ``digits=``.

    Keeps ``digits`` characters after the leading run of 9s of the mantissa
    (truncation, not rounding).
    """
    if not number.startswith("0."):
        raise DrawInputError(f"ticket number must start with '0.', got {number!r}")
    if digits < 0:
        raise DrawInputError(f"digits must be >= 0, got {digits}")
    padded = number + "0"
    position = 2
    while padded[position] == "9":  # the appended "0" stops the scan
        position += 1
    return number[: position + digits]


def display_ticket(value: int, digits: int = 18) -> str:
    """``format_ticket(ticket_number(value), digits)``, computing only the digits needed."""
    width = digits + 4
    if digits >= 0 and width <= 64:  # the first `width` ticket digits = x mod 10**width
        head = f"{value % 10**width:0{width}d}"[::-1]
        nines = width - len(head.lstrip("9"))
        if nines < width and nines + digits <= width:  # a non-9 ends the run of 9s
            return "0." + head[: nines + digits]
    return format_ticket(ticket_number(value), digits)


@dataclass(frozen=True, slots=True)
class Ticket:
    """The generation-1 ticket of one id.

    ``value`` is ``SHA256(UTF8(seed_hash + id))`` as a big-endian integer; the
    ticket number is derived from it on demand (only drawn tickets are printed).
    """

    id: str
    value: int

    @property
    def number(self) -> str:
        """Full-precision ticket number, e.g. ``'0.2629971412…'`` (64–78 digits)."""
        return ticket_number(self.value)

    def display(self, digits: int = 18) -> str:
        """Ticket number as the package prints it with ``digits=``."""
        return display_ticket(self.value, digits)

    def sort_key(self) -> tuple[str, str]:
        """Exact sampling order: ticket digits, then id (the package's tie rule)."""
        return (ticket_digits(self.value), self.id)


def ticket_for(target_id: str, seed: str) -> Ticket:
    """Ticket of one id (slow path, for verification of single entries)."""
    prefix = seed_hash(seed).encode("ascii")
    digest = hashlib.sha256(prefix + _encode(target_id, "id")).digest()
    return Ticket(target_id, int.from_bytes(digest, "big"))


# ---------------------------------------------------------------------------
# Sampling
# ---------------------------------------------------------------------------


def sample(ids: Sequence[str], seed: str, take: int | None = None) -> list[Ticket]:
    """Tickets of the ``take`` ids with the smallest tickets, in sampling order.

    ``take=None`` orders all ids.  Equals the first ``take`` items of
    ``consistent_sampler.sampler(ids, seed=seed, with_replacement=False)``.
    Raises :class:`DrawInputError` for duplicate or non-string ids, a negative
    ``take``, or text that is not encodable as UTF-8.
    """
    rows, values = sample_order(ids, seed, take)
    with _gc_paused():  # a million small objects would otherwise trigger repeated full GCs
        return [Ticket(ids[row], value) for row, value in zip(rows, values, strict=True)]


def sample_order(
    ids: Sequence[str], seed: str, take: int | None = None
) -> tuple[list[int], list[int]]:
    """Like :func:`sample` but returns (positions in ``ids``, SHA-256 integers)."""
    count = len(ids)
    wanted = count if take is None else _check_take(take, count)
    if count == 0:
        return [], []
    digests = hash_ids(ids, seed)
    prefixes = ticket_prefixes(digests)
    _check_duplicates(ids, digests)
    rows = smallest(prefixes, digests, ids, wanted)
    return rows, _values(digests, rows)


def hash_ids(ids: Sequence[str], seed: str) -> Digests:
    """``(len(ids), 32)`` array of ``SHA256(UTF8(seed_hash + id))`` digests."""
    prefix = seed_hash(seed).encode("ascii")
    fresh = _sha256_state(prefix).copy  # the 64-byte prefix is one block: hash it once
    out = np.empty((len(ids), 32), dtype=np.uint8)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        digests: list[bytes] = []
        keep = digests.append
        try:
            for raw in map(str.encode, chunk):
                state = fresh()
                state.update(raw)
                keep(state.digest())
        except (TypeError, UnicodeEncodeError):
            raise _bad_id(chunk, start) from None
        joined = b"".join(digests)
        out[start : start + len(chunk)] = np.frombuffer(joined, dtype=np.uint8).reshape(-1, 32)
    return out


def _values(digests: Digests, rows: list[int]) -> list[int]:
    """SHA-256 integers of the selected digest rows (one bulk copy, then slicing)."""
    raw = digests[rows].tobytes()
    return [int.from_bytes(raw[at : at + 32], "big") for at in range(0, len(raw), 32)]


def ticket_prefixes(digests: Digests) -> Prefixes:
    """First 9 ticket digits of each digest, as integers (order-preserving prefix).

    The first 9 digits of the ticket are the 9 lowest decimal digits of ``x``
    reversed, i.e. ``reverse9(x mod 10**9)``.
    """
    out = np.empty(len(digests), dtype=np.uint32)
    for start in range(0, len(digests), _PREFIX_CHUNK):
        block = digests[start : start + _PREFIX_CHUNK]
        words = block.view(">u2").astype(np.uint64)
        low = (words @ _WORD_WEIGHTS) % np.uint64(_PREFIX_MOD)
        out[start : start + len(block)] = _reverse9(low.astype(np.uint32))
    return out


def smallest(prefixes: Prefixes, digests: Digests, ids: Sequence[str], count: int) -> list[int]:
    """Indices of the ``count`` smallest tickets, in exact sampling order.

    Candidates are the ids whose 9-digit prefix is at most the ``count``-th
    smallest prefix; equal prefixes are then ordered by the exact ticket, then id.
    """
    if count <= 0:
        return []
    if count < len(prefixes):
        cutoff = np.partition(prefixes, count - 1)[count - 1]
        candidates = np.flatnonzero(prefixes <= cutoff)
    else:
        candidates = np.arange(len(prefixes))
    order = candidates[np.argsort(prefixes[candidates], kind="stable")]
    ranked = _resolve_ties(order, prefixes[order], digests, ids)
    return ranked[:count]


def _resolve_ties(
    order: npt.NDArray[np.intp], keys: Prefixes, digests: Digests, ids: Sequence[str]
) -> list[int]:
    """Re-sort runs of equal prefixes in ``order`` by the exact ticket, then id."""
    ranked: list[int] = order.tolist()
    if len(keys) < 2:
        return ranked
    equal = np.flatnonzero(keys[1:] == keys[:-1])
    run_start = -1
    run_end = -1
    for pos in equal.tolist():
        if pos > run_end:  # a new run begins at pos
            if run_start >= 0:
                _sort_run(ranked, run_start, run_end + 1, digests, ids)
            run_start = pos
        run_end = pos + 1
    if run_start >= 0:
        _sort_run(ranked, run_start, run_end + 1, digests, ids)
    return ranked


def _sort_run(
    ranked: list[int], start: int, stop: int, digests: Digests, ids: Sequence[str]
) -> None:
    def exact(index: int) -> tuple[str, str]:
        return (ticket_digits(int.from_bytes(digests[index].tobytes(), "big")), ids[index])

    ranked[start:stop] = sorted(ranked[start:stop], key=exact)


def _check_duplicates(ids: Sequence[str], digests: Digests) -> None:
    """Raise if an id occurs twice: equal ids have equal digests.

    A sort of 64-bit digest fingerprints finds candidates; only when two match
    (a duplicate, or a ~2**-64 coincidence) are the full digests and ids compared.
    """
    fingerprints = np.ascontiguousarray(digests[:, :8]).view(np.uint64).ravel()
    ordered = np.sort(fingerprints)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if len(repeated) == 0:
        return
    seen: dict[bytes, int] = {}
    for index in np.flatnonzero(np.isin(fingerprints, repeated)).tolist():
        first = seen.setdefault(digests[index].tobytes(), index)
        if first != index and ids[first] == ids[index]:
            raise DuplicateIdError(ids[index], first, index)


def _reverse9(values: Prefixes) -> Prefixes:
    """Reverse the 9-digit zero-padded decimal representation of each value."""
    high = values // np.uint32(1_000_000)
    middle = (values // np.uint32(1000)) % np.uint32(1000)
    low = values % np.uint32(1000)
    result: Prefixes = (
        _REVERSE3[low] * np.uint32(1_000_000)
        + _REVERSE3[middle] * np.uint32(1000)
        + _REVERSE3[high]
    )
    return result


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Suspend the cyclic GC while allocating many acyclic objects."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_take(take: int, count: int) -> int:
    if isinstance(take, bool) or not isinstance(take, int):
        raise DrawInputError(f"take must be an integer, got {take!r}")
    if take < 0:
        raise DrawInputError(f"take must be >= 0, got {take}")
    return min(take, count)


def _encode(text: str, what: str) -> bytes:
    if not isinstance(text, str):
        raise DrawInputError(f"{what} must be a string, got {type(text).__name__}")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DrawInputError(f"{what} {text!r} is not valid Unicode text: {exc.reason}") from None


def _bad_id(chunk: Sequence[object], start: int) -> DrawInputError:
    """The error for the first id of ``chunk`` that is not a UTF-8-encodable string."""
    for offset, item in enumerate(chunk):
        if not isinstance(item, str):
            return DrawInputError(
                f"id at position {start + offset + 1} must be a string, got {type(item).__name__}"
            )
        try:
            item.encode("utf-8")
        except UnicodeEncodeError as exc:
            return DrawInputError(
                f"id {item!r} at position {start + offset + 1} is not valid Unicode text: "
                f"{exc.reason}"
            )
    return DrawInputError("invalid id")  # pragma: no cover - caller saw an error
