"""Digests of published records and files: SHA-256 (FIPS 180-4) or SM3 (GM/T 0004-2012).

A deployment chooses one for new records (``TICCOOP_DIGEST_ALGORITHM``); a stored or published
digest names its algorithm itself, so records made under either setting stay checkable after a
switch.  The one written form (:func:`labelled`, read back by :func:`split`)::

    digest = hex64                 SHA-256 (every record from before SM3, and new SHA-256 ones)
           | "sha256:" hex64       SHA-256, explicit (the audit chain's binary values)
           | "sm3:" hex64          SM3

``hex64`` is 64 lower-case hex digits.  Recompute with common tools: ``sha256sum FILE`` or
``openssl dgst -sha256 FILE``; ``openssl dgst -sm3 FILE`` (OpenSSL 1.1.1 and later).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Protocol

from ticcoop.methods import sm2

__all__ = [
    "DIGEST_ALGORITHMS",
    "DigestFormatError",
    "Hasher",
    "algorithm_of",
    "digest",
    "hasher",
    "hexdigest",
    "labelled",
    "matches",
    "split",
]

DIGEST_ALGORITHMS = ("sha256", "sm3")
#: Longest written digest ("sha256:" + 64 hex digits): the width of a digest column.
MAX_LENGTH = 71
_HEX = frozenset("0123456789abcdef")


class DigestFormatError(ValueError):
    """A recorded digest that is not ``[algorithm:]hex64`` with a known algorithm."""


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


class _Sm3Hasher:
    def __init__(self) -> None:
        self._hash = sm2.sm3_hasher()

    def update(self, data: bytes, /) -> None:
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.copy().finalize().hex()


def hasher(algorithm: str) -> Hasher:
    """An incremental hasher (``update``, ``hexdigest``) for "sha256" or "sm3"."""
    if algorithm == "sha256":
        return hashlib.sha256()
    if algorithm == "sm3":
        return _Sm3Hasher()
    raise ValueError(
        f"digest algorithm {algorithm!r} must be one of {', '.join(DIGEST_ALGORITHMS)}"
    )


def hexdigest(algorithm: str, data: bytes) -> str:
    """Lower-case hex digest of ``data``."""
    digest = hasher(algorithm)
    digest.update(data)
    return digest.hexdigest()


def labelled(algorithm: str, hex_digest: str) -> str:
    """The written form of a digest: bare hex for SHA-256, ``sm3:<hex>`` for SM3."""
    if algorithm not in DIGEST_ALGORITHMS:
        raise DigestFormatError(f"digest algorithm {algorithm!r} is not one of {DIGEST_ALGORITHMS}")
    return hex_digest if algorithm == "sha256" else f"{algorithm}:{hex_digest}"


def digest(algorithm: str, data: bytes) -> str:
    """The written (self-describing) digest of ``data``: ``labelled(algorithm, hex)``."""
    return labelled(algorithm, hexdigest(algorithm, data))


def split(recorded: str) -> tuple[str, str]:
    """``(algorithm, hex)`` of a written digest; no prefix means SHA-256."""
    algorithm, colon, hex_digest = recorded.rpartition(":")
    if not colon:
        algorithm = "sha256"
    if algorithm not in DIGEST_ALGORITHMS:
        raise DigestFormatError(f"digest {recorded[:80]!r} names an unknown algorithm")
    if len(hex_digest) != 64 or not _HEX.issuperset(hex_digest):
        raise DigestFormatError(f"digest {recorded[:80]!r} is not 64 lower-case hex digits")
    return algorithm, hex_digest


def algorithm_of(recorded: str) -> str:
    """The algorithm a written digest names ("sha256" when it has no prefix)."""
    return split(recorded)[0]


def matches(recorded: str, data: bytes) -> bool:
    """True if ``data`` has the recorded digest, recomputed with the algorithm it names.

    A malformed recorded value is a mismatch, not an error.
    """
    try:
        algorithm, hex_digest = split(recorded)
    except DigestFormatError:
        return False
    return hmac.compare_digest(hexdigest(algorithm, data), hex_digest)
