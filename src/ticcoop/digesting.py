"""Digests of stored and published records under the deployment's setting.

``TICCOOP_DIGEST_ALGORITHM`` ("sha256" or "sm3") chooses the algorithm of *new* digests; every
digest is written in the self-describing form of :mod:`ticcoop.methods.digests` (bare hex for
SHA-256, ``sm3:<hex>`` for SM3) and checked with the algorithm it names, so records made before
a switch keep verifying.  Digest columns are :func:`digest_field` (wide enough for either form).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from ticcoop.methods import digests

__all__ = ["RecordDigest", "current_algorithm", "digest_field", "record_digest"]


def current_algorithm() -> str:
    """The algorithm of new digests in this deployment ("sha256" or "sm3")."""
    return str(settings.TICCOOP_DIGEST_ALGORITHM)


def record_digest(data: bytes, algorithm: str | None = None) -> str:
    """The written digest of ``data`` (the deployment's algorithm unless one is given)."""
    return digests.digest(algorithm or current_algorithm(), data)


class RecordDigest:
    """An incremental :func:`record_digest`: ``update`` in chunks, then ``written()``."""

    def __init__(self, algorithm: str | None = None) -> None:
        self.algorithm = algorithm or current_algorithm()
        self._hash = digests.hasher(self.algorithm)

    def update(self, data: bytes, /) -> None:
        self._hash.update(data)

    def written(self) -> str:
        return digests.labelled(self.algorithm, self._hash.hexdigest())


def digest_field(verbose_name: Any, **options: Any) -> models.CharField[str, str]:
    """A column holding one written digest (up to ``sha256:`` + 64 hex digits)."""
    return models.CharField(verbose_name, max_length=digests.MAX_LENGTH, **options)
