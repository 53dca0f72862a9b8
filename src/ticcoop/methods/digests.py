"""Digests of published records and files: SHA-256 (FIPS 180-4) or SM3 (GM/T 0004-2012).

A deployment chooses one (``TICCOOP_DIGEST_ALGORITHM``); a published digest always names its
algorithm, so both kinds stay checkable.  Recompute with common tools:
``sha256sum FILE`` or ``openssl dgst -sha256 FILE``; ``openssl dgst -sm3 FILE``.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from ticcoop.methods import sm2

__all__ = ["DIGEST_ALGORITHMS", "Hasher", "hasher", "hexdigest"]

DIGEST_ALGORITHMS = ("sha256", "sm3")


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
