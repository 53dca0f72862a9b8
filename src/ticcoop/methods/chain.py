"""The audit hash chain: canonical record payloads and link hashes.

Pure Python, no Django (docs/methods/audit-chain.md).  Every chained record — an audit log
entry, a certificate version, a published draw, notice, evaluation or competition result —
gets one *link* each time it is written (or deleted):

- ``payload`` is ``canonical_json`` (RFC 8785, :mod:`ticcoop.methods.seed`) of an object
  mapping every database column of the record to :func:`jsonable` of its value, or ``null``
  for a deletion;
- ``hash = SHA256_hex(UTF8(canonical_json({"label": "ticcoop-chain-v1", "seq": seq,
  "prev": prev, "table": table, "key": key, "payload": payload})))`` where ``prev`` is the
  previous link's hash (64 zeros for the first link), ``table`` the model label
  (``certificates.certificateversion``) and ``key`` the primary key as a string.
- A link made in a deployment that chose SM3 (``TICCOOP_DIGEST_ALGORITHM=sm3``) names its
  algorithm: ``hash = "sm3:" + SM3_hex(UTF8(canonical_json({... the same members ...,
  "digest": "sm3"})))`` (GM/T 0004), and binary values in its payload are ``"sm3:<hex>"``.
  Each link is recomputed with the algorithm its own hash names (no prefix: SHA-256), so one
  chain may hold both kinds and stays verifiable across a switch (methods.digests).

Anyone holding the links re-computes every hash in sequence order; a changed, removed or
inserted link breaks the chain at that point, and a record whose current payload differs
from its latest link's payload was changed outside the platform.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from ticcoop.methods import digests
from ticcoop.methods.seed import JsonValue, canonical_json

__all__ = [
    "GENESIS",
    "LINK_LABEL",
    "MAX_SAFE_INT",
    "changed_fields",
    "fast_canonical_json",
    "fast_dumps",
    "jsonable",
    "link_algorithm",
    "link_hash",
    "payload_json",
]

LINK_LABEL = "ticcoop-chain-v1"
GENESIS = "0" * 64
MAX_SAFE_INT = 2**53 - 1
_AS_IS = frozenset({str, bool, type(None)})


def jsonable(value: Any, odd_keys: list[str] | None = None, algorithm: str = "sha256") -> JsonValue:
    """A stored value as canonical-JSON data; types JSON has no exact form for become strings.

    Floats are written with ``repr`` (the shortest string that reads back to the same
    double), decimals with ``str`` (the stored scale, e.g. ``"12.50"``), datetimes in UTC
    ISO 8601, binary values as ``"sha256:<hex>"`` (``"sm3:<hex>"`` with ``algorithm="sm3"``;
    a PDF or manifest is not copied into the chain, its digest is), integers beyond 2**53-1
    as decimal strings.  Object keys with characters from U+E000 up are appended to
    ``odd_keys`` (see :func:`fast_canonical_json`).
    """
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is int:
        return value if -MAX_SAFE_INT <= value <= MAX_SAFE_INT else str(value)
    if isinstance(value, Mapping):
        # inlined for the plain items that make up most rows (a call per column was most of
        # an import's chain time)
        result: dict[str, JsonValue] = {}
        for key, item in value.items():
            text = key if type(key) is str else str(key)
            if odd_keys is not None and not text.isascii() and text and max(text) >= "\ue000":
                odd_keys.append(text)
            item_kind = type(item)
            if item_kind in _AS_IS or (item_kind is int and -MAX_SAFE_INT <= item <= MAX_SAFE_INT):
                result[text] = item
            else:
                result[text] = jsonable(item, odd_keys, algorithm)
        return result
    if isinstance(value, list | tuple):
        return [jsonable(item, odd_keys, algorithm) for item in value]
    return _scalar(value, algorithm)


def _scalar(value: Any, algorithm: str = "sha256") -> JsonValue:
    if isinstance(value, str | bool):
        return value
    if isinstance(value, int):
        return value if abs(value) <= MAX_SAFE_INT else str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be chained")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return f"{algorithm}:{digests.hexdigest(algorithm, bytes(value))}"
    raise ValueError(f"{type(value).__name__} cannot be chained")


def payload_json(row: Mapping[str, Any] | None, algorithm: str = "sha256") -> str:
    """The canonical payload of one record (column -> value), or ``"null"`` for a deletion.

    ``algorithm`` is the link's: it digests binary values.
    """
    odd_keys: list[str] = []
    data = None if row is None else jsonable(row, odd_keys, algorithm)
    return canonical_json(data) if odd_keys else fast_dumps(data)


def fast_canonical_json(value: JsonValue) -> str:
    """``canonical_json(value)``, by the C JSON encoder whenever that gives the same text.

    For strings, integers below 2**53, booleans, null, lists and objects, ``json.dumps`` with
    sorted keys, no whitespace and no ASCII escaping writes RFC 8785 exactly (same escapes:
    ``\\b \\t \\n \\f \\r``, other controls as lowercase ``\\u00xx``), except that it
    sorts keys by code point where RFC 8785 sorts by UTF-16 code unit — which differs only
    for keys holding characters from U+E000 up: objects with such a key take the exact path.
    """
    return canonical_json(value) if _odd_keys(value) else fast_dumps(value)


def fast_dumps(value: JsonValue) -> str:
    """Sorted keys, no whitespace, no ASCII escaping (RFC 8785 but for the key order of
    characters from U+E000 up: see :func:`fast_canonical_json`)."""
    return _ENCODER.encode(value)


# one encoder for every call: json.dumps with options builds a new one each time
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _odd_keys(value: object) -> bool:
    if isinstance(value, Mapping):
        return any((key and max(key) >= "\ue000") or _odd_keys(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_odd_keys(item) for item in value if isinstance(item, Mapping | list))
    return False


def link_hash(
    seq: int, prev: str, table: str, key: str, payload: str, algorithm: str = "sha256"
) -> str:
    """A link's hash in the written digest form: SHA-256 hex, or ``"sm3:<hex>"``."""
    document: dict[str, JsonValue] = {
        "label": LINK_LABEL,
        "seq": seq,
        "prev": prev,
        "table": table,
        "key": key,
        "payload": payload,
    }
    # every key is ASCII, so the C encoder's text is the canonical one
    if algorithm == "sha256":  # the v1 document, unchanged: every older link recomputes
        return hashlib.sha256(fast_dumps(document).encode("utf-8")).hexdigest()
    document["digest"] = algorithm
    return digests.digest(algorithm, fast_dumps(document).encode("utf-8"))


def link_algorithm(link: str) -> str:
    """The algorithm a stored link hash names (bare hex: SHA-256); raises DigestFormatError."""
    return digests.algorithm_of(link)


def changed_fields(stored_payload: str, current_payload: str) -> list[str]:
    """Columns whose value differs between two payloads (all of them if one is null)."""
    before = json.loads(stored_payload) or {}
    after = json.loads(current_payload) or {}
    names = sorted(set(before) | set(after))
    return [name for name in names if before.get(name, _MISSING) != after.get(name, _MISSING)]


_MISSING = object()
