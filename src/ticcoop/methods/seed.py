"""Seed ceremony for publicly verifiable draws: snapshot hash, commit–reveal, seed.

Pure Python, no Django.  The ceremony (cf. the public-seed procedure of Rivest's
consistent sampling, arXiv:1808.10016, where the seed comes from public dice):

1. **Snapshot.**  Before any randomness exists, the draw inputs (strata, ids, rates,
   …) are frozen and published as ``snapshot = SHA256_hex(canonical_json(inputs))`` (or
   ``"sm3:" + SM3_hex(…)`` in a deployment that chose SM3, methods.digests).
2. **Commit.**  Each participant picks a secret *reveal* string and publishes
   ``commit = SHA256_hex(canonical_json(["ticcoop-commit-v1", ceremony, participant,
   reveal]))``.
3. **Reveal.**  After all commits are published, participants disclose their reveals;
   each is checked against its commit.  Optionally a public value that nobody
   controls (dice rolled in public, a lottery result) is added.
4. **Seed.**  ``seed = SHA256_hex(canonical_json({"label": "ticcoop-seed-v1",
   "ceremony": …, "snapshot": …, "reveals": {participant: reveal, …}, "public": value
   or null}))`` — the fixed order is that of canonical JSON (keys sorted).

Canonical JSON is RFC 8785 (JCS) restricted to strings, integers of magnitude below
2**53, booleans, null, arrays and objects: no insignificant whitespace, object keys
sorted by their UTF-16 code units, strings UTF-8 encoded with only ``"``, ``\\`` and
U+0000–U+001F escaped (``\\b \\t \\n \\f \\r`` short forms, others ``\\u00xx``).
Floats are refused (write decimals as strings).

A missing or non-matching reveal is a recorded :class:`RevealFailure`; by default it
aborts the ceremony (:class:`CeremonyError`).  With ``allow_missing=True`` the failed
participants are left out and listed in the result — note that a participant who
withholds a reveal after seeing the others has one bit of influence, which is why
failures are always published.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ticcoop.methods import digests
from ticcoop.methods.strata import Rate, StratumKey

__all__ = [
    "COMMIT_LABEL",
    "MIN_REVEAL_LENGTH",
    "SEED_LABEL",
    "CeremonyError",
    "CeremonyResult",
    "JsonValue",
    "RevealFailure",
    "SeedInputError",
    "canonical_json",
    "combine_seed",
    "commit_for",
    "new_reveal",
    "snapshot_hash",
    "strata_snapshot",
    "verify_reveal",
]

COMMIT_LABEL = "ticcoop-commit-v1"
SEED_LABEL = "ticcoop-seed-v1"
MIN_REVEAL_LENGTH = 16
_MAX_SAFE_INT = 2**53 - 1

JsonValue = str | int | bool | None | Sequence["JsonValue"] | Mapping[str, "JsonValue"]


class SeedInputError(ValueError):
    """Bad input to a ceremony step; the message says which and why."""


@dataclass(frozen=True)
class RevealFailure:
    participant: str
    reason: Literal["missing", "mismatch"]


class CeremonyError(SeedInputError):
    """The ceremony cannot produce a seed; ``failures`` lists the failed reveals."""

    def __init__(self, message: str, failures: tuple[RevealFailure, ...] = ()) -> None:
        super().__init__(message)
        self.failures = failures


@dataclass(frozen=True)
class CeremonyResult:
    seed: str
    seed_input: str  # the canonical JSON that was hashed, for publication
    participants: tuple[str, ...]  # whose reveals went into the seed
    failures: tuple[RevealFailure, ...]


# ---------------------------------------------------------------------------
# Canonical JSON and snapshots
# ---------------------------------------------------------------------------


def canonical_json(value: JsonValue) -> str:
    """RFC 8785 canonical JSON of ``value`` (restricted types, see module docstring)."""
    parts: list[str] = []
    _emit(value, parts, "$")
    return "".join(parts)


def snapshot_hash(value: JsonValue, algorithm: str = "sha256") -> str:
    """``SHA256_hex(UTF8(canonical_json(value)))``; with "sm3": ``"sm3:" + SM3_hex(...)``.

    The written digest form of :mod:`ticcoop.methods.digests` (bare hex is SHA-256).
    """
    if algorithm == "sha256":
        return _sha256_hex(canonical_json(value))
    return digests.digest(algorithm, canonical_json(value).encode("utf-8"))


def strata_snapshot(
    population: Mapping[StratumKey, Sequence[str]],
    rates: Mapping[StratumKey, Rate],
    *,
    replacements: int,
) -> dict[str, JsonValue]:
    """Canonical snapshot document of a stratified draw's inputs.

    Strata in key order; ids sorted by UTF-16 code units (the draw does not depend
    on their order); rates written with ``str`` as given (``"0.05"``), or null.
    """
    strata: list[JsonValue] = []
    for key in sorted(population):
        ordered: list[str] = sorted(population[key], key=_utf16)
        ids: list[JsonValue] = list(ordered)
        strata.append(
            {
                "region": key.region,
                "risk_class": key.risk_class,
                "item": key.item,
                "rate": str(rates[key]) if key in rates else None,
                "ids": ids,
            }
        )
    return {"replacements": replacements, "strata": strata}


def _emit(value: object, parts: list[str], path: str) -> None:
    if value is None or isinstance(value, bool):
        parts.append({None: "null", True: "true", False: "false"}[value])
    elif isinstance(value, int):
        if abs(value) > _MAX_SAFE_INT:
            raise SeedInputError(f"{path}: integer {value} exceeds 2**53-1; write it as a string")
        parts.append(str(value))
    elif isinstance(value, str):
        parts.append(_string(value, path))
    elif isinstance(value, Mapping):
        _emit_object(value, parts, path)
    elif isinstance(value, Sequence):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _emit(item, parts, f"{path}[{index}]")
        parts.append("]")
    else:
        raise SeedInputError(
            f"{path}: {type(value).__name__} is not allowed in canonical JSON "
            "(use str, int, bool, None, list, dict)"
        )


def _emit_object(value: Mapping[object, object], parts: list[str], path: str) -> None:
    keys: list[str] = []
    for key in value:
        if not isinstance(key, str):
            raise SeedInputError(f"{path}: object key {key!r} is not a string")
        keys.append(key)
    parts.append("{")
    for index, key in enumerate(sorted(keys, key=_utf16)):
        if index:
            parts.append(",")
        parts.append(_string(key, path))
        parts.append(":")
        _emit(value[key], parts, f"{path}.{key}")
    parts.append("}")


def _string(text: str, path: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise SeedInputError(f"{path}: string {text!r} has unpaired surrogates") from None
    # Python's escaping with ensure_ascii=False is exactly JCS's (\b\t\n\f\r, \u00xx).
    return json.dumps(text, ensure_ascii=False)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-be", "surrogatepass")


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------
# Commit–reveal
# ---------------------------------------------------------------------------


def new_reveal() -> str:
    """A fresh 256-bit secret as 64 hex characters."""
    return secrets.token_hex(32)


def commit_for(ceremony: str, participant: str, reveal: str) -> str:
    """Commitment to ``reveal`` by ``participant`` in ``ceremony``."""
    _check_label("ceremony", ceremony)
    _check_label("participant", participant)
    if not isinstance(reveal, str) or len(reveal) < MIN_REVEAL_LENGTH:
        raise SeedInputError(
            f"reveal of {participant!r} must be a string of at least {MIN_REVEAL_LENGTH} "
            "characters (use new_reveal())"
        )
    return _sha256_hex(canonical_json([COMMIT_LABEL, ceremony, participant, reveal]))


def verify_reveal(ceremony: str, participant: str, reveal: str, commit: str) -> bool:
    """True if ``reveal`` opens ``commit`` (constant-time comparison)."""
    try:
        expected = commit_for(ceremony, participant, reveal)
    except SeedInputError:
        return False
    return hmac.compare_digest(expected, commit.strip().lower())


def combine_seed(
    ceremony: str,
    snapshot: str,
    commits: Mapping[str, str],
    reveals: Mapping[str, str],
    *,
    public_value: str | None = None,
    allow_missing: bool = False,
) -> CeremonyResult:
    """Check every reveal against its commit and derive the seed (module docstring, step 4)."""
    _check_label("ceremony", ceremony)
    try:
        digests.split(snapshot)
    except digests.DigestFormatError:
        raise SeedInputError(
            f"snapshot must be 64 lower-case hex digits (SHA-256) or sm3:<64 hex>, got {snapshot!r}"
        ) from None
    if not commits:
        raise SeedInputError("no commits: at least one participant must commit")
    unknown = sorted(set(reveals) - set(commits))
    if unknown:
        raise SeedInputError(f"reveals without a commit: {', '.join(unknown)}")
    failures = tuple(_failures(ceremony, commits, reveals))
    if failures and not allow_missing:
        raise CeremonyError(_describe(failures), failures)
    failed = {failure.participant for failure in failures}
    used = {p: reveals[p] for p in sorted(commits, key=_utf16) if p not in failed}
    if not used:
        raise CeremonyError("no valid reveal: the seed would be predictable", failures)
    document: dict[str, JsonValue] = {
        "label": SEED_LABEL,
        "ceremony": ceremony,
        "snapshot": snapshot,
        "reveals": used,
        "public": public_value,
    }
    seed_input = canonical_json(document)
    return CeremonyResult(
        seed=_sha256_hex(seed_input),
        seed_input=seed_input,
        participants=tuple(used),
        failures=failures,
    )


def _failures(
    ceremony: str, commits: Mapping[str, str], reveals: Mapping[str, str]
) -> list[RevealFailure]:
    failures: list[RevealFailure] = []
    for participant in sorted(commits, key=_utf16):
        if participant not in reveals:
            failures.append(RevealFailure(participant, "missing"))
        elif not verify_reveal(ceremony, participant, reveals[participant], commits[participant]):
            failures.append(RevealFailure(participant, "mismatch"))
    return failures


def _describe(failures: tuple[RevealFailure, ...]) -> str:
    missing = [f.participant for f in failures if f.reason == "missing"]
    mismatch = [f.participant for f in failures if f.reason == "mismatch"]
    parts = []
    if missing:
        parts.append(f"missing reveal from {', '.join(missing)}")
    if mismatch:
        parts.append(f"reveal does not match commit for {', '.join(mismatch)}")
    return "; ".join(parts)


def _check_label(what: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise SeedInputError(f"{what} must be a non-empty string, got {value!r}")
