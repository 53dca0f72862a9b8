"""Draw manifests: running a published 双随机 draw into its manifest, and its bytes.

Pure Python, no Django.  A *manifest* is one JSON document (docs/methods/manifest.md)
published with two CSV files, ``targets.csv`` and ``inspectors.csv``
(:mod:`ticcoop.methods.manifest_files`).  :func:`build_manifest` runs the whole draw
from these files: the snapshot document that fixes the strata, rates and team rules
(:func:`snapshot_document`), the seed from the ceremony (:mod:`ticcoop.methods.seed`),
every stratum's sample and replacement list (:mod:`ticcoop.methods.strata`, Rivest's
consistent sampling, arXiv:1808.10016) and every team (:mod:`ticcoop.methods.teams`).
:func:`sign_manifest` adds the platform's signature (SM2 or Ed25519, named by its token tag, via
:mod:`ticcoop.methods.signing`) over the canonical JSON (RFC 8785) without the
``signature`` member; :mod:`ticcoop.methods.manifest_verify` re-runs and checks it all.

The published file is ``canonical_json(manifest) + "\\n"`` in UTF-8, so a manifest has
exactly one valid byte sequence and any changed byte is detected.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ticcoop.methods import digests
from ticcoop.methods.draw import DrawInputError
from ticcoop.methods.manifest_files import (
    ManifestInputError,
    iter_targets_csv,
    population,
    read_inspectors_csv,
    team_targets,
)
from ticcoop.methods.seed import (
    JsonValue,
    SeedInputError,
    canonical_json,
    combine_seed,
    snapshot_hash,
    strata_snapshot,
)
from ticcoop.methods.strata import StratifiedDraw, StratumKey, draw_stratified, parse_rate
from ticcoop.methods.team_rules import RegionRule
from ticcoop.methods.teams import Assignment, Member, assign_teams

MANIFEST_FORMAT = "ticcoop-draw-manifest-v1"
SNAPSHOT_LABEL = "ticcoop-snapshot-v1"
TICKET_DIGITS = 18
ALGORITHM: dict[str, JsonValue] = {
    "seed": "ticcoop-seed-v1 (docs/methods/draw.md §1)",
    "sample": "consistent-sampler 1.0.10, ticcoop-stratum-v1 (docs/methods/draw.md §2-3)",
    "teams": "ticcoop-team-v1 (docs/methods/draw.md §4)",
    "ticket_digits": TICKET_DIGITS,
}
_MAX_SAFE_INT = 2**53 - 1
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class DrawParameters:
    rates: Mapping[StratumKey, str]  # decimal strings as published, e.g. "0.05"
    replacements: int = 2
    team_size: int = 2
    region_rule: str = RegionRule.AT_LEAST_ONE_OTHER.value


@dataclass(frozen=True)
class CeremonyRecord:
    id: str
    commits: Mapping[str, str]
    reveals: Mapping[str, str]
    public_value: str | None = None


def sha256_hex(data: bytes) -> str:
    """SHA-256 of a published file, as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def file_digest(data: bytes, algorithm: str = "sha256") -> str:
    """Digest of a published file in the written form of :mod:`ticcoop.methods.digests`:
    lowercase hex for SHA-256, ``sm3:<hex>`` for SM3."""
    return sha256_hex(data) if algorithm == "sha256" else digests.digest(algorithm, data)


def manifest_algorithm(manifest: Mapping[str, Any]) -> str:
    """The digest algorithm a manifest (or its snapshot) was made with: the one its snapshot
    hash names (every digest in one manifest uses it); "sha256" if it has none."""
    snapshot = manifest.get("snapshot")
    recorded = snapshot.get("sha256") if isinstance(snapshot, Mapping) else None
    if not isinstance(recorded, str):
        return "sha256"
    try:
        return digests.algorithm_of(recorded)
    except digests.DigestFormatError as exc:
        raise ManifestInputError(f"$.snapshot.sha256: {exc}") from None


def _key_doc(key: StratumKey) -> dict[str, JsonValue]:
    return {"region": key.region, "risk_class": key.risk_class, "item": key.item}


def snapshot_document(
    targets_csv: bytes, inspectors_csv: bytes, params: DrawParameters, algorithm: str = "sha256"
) -> dict[str, JsonValue]:
    """The document frozen (and its hash published) before the seed ceremony.

    ``algorithm`` ("sha256" or "sm3") makes its three digests; the member names stay
    ``*_sha256`` and the values name their algorithm (``sm3:<hex>``, methods.digests).
    """
    strata = population(iter_targets_csv(targets_csv))
    read_inspectors_csv(inspectors_csv)
    missing = [key for key in sorted(strata) if key not in params.rates]
    if missing:
        key = missing[0]
        raise ManifestInputError(
            f"no rate for stratum ({key.region}, {key.risk_class}, {key.item})"
        )
    rates = {key: params.rates[key] for key in strata}
    for rate in rates.values():
        parse_rate(rate)
    RegionRule(params.region_rule)
    rate_docs: list[JsonValue] = [
        {**_key_doc(key), "rate": str(rates[key])} for key in sorted(rates)
    ]
    return {
        "label": SNAPSHOT_LABEL,
        "targets_csv_sha256": file_digest(targets_csv, algorithm),
        "inspectors_csv_sha256": file_digest(inspectors_csv, algorithm),
        "strata_sha256": snapshot_hash(
            strata_snapshot(strata, rates, replacements=params.replacements), algorithm
        ),
        "rates": rate_docs,
        "replacements": params.replacements,
        "team_size": params.team_size,
        "region_rule": params.region_rule,
    }


def parameters_of(document: Mapping[str, Any]) -> DrawParameters:
    """The draw parameters written in a snapshot document."""
    try:
        rates = {
            StratumKey(r["region"], r["risk_class"], r["item"]): r["rate"]
            for r in document["rates"]
        }
        return DrawParameters(
            rates=rates,
            replacements=document["replacements"],
            team_size=document["team_size"],
            region_rule=document["region_rule"],
        )
    except (KeyError, TypeError, DrawInputError) as exc:
        raise ManifestInputError(f"snapshot document is malformed: {exc}") from None


def _strata_section(draw: StratifiedDraw) -> list[JsonValue]:
    return [
        {
            **_key_doc(stratum.key),
            "population": stratum.population,
            "size": stratum.size,
            "seed": stratum.seed,
            "drawn": [{"id": t.id, "ticket": t.display(TICKET_DIGITS)} for t in stratum.drawn],
            "replacements": [
                {"id": t.id, "ticket": t.display(TICKET_DIGITS)} for t in stratum.replacements
            ],
        }
        for stratum in draw.strata
    ]


def _members(members: Iterable[Member]) -> list[JsonValue]:
    return [
        {
            "inspector": m.inspector,
            "region": m.region,
            "stage": m.stage,
            "rank": m.rank,
            "key": m.key,
        }
        for m in members
    ]


def _teams_section(assignment: Assignment) -> dict[str, JsonValue]:
    def exclusions(items: Iterable[Any]) -> list[JsonValue]:
        return [
            {"inspector": e.inspector, "conflicts": [str(c) for c in e.conflicts]} for e in items
        ]

    assigned: list[JsonValue] = [
        {"target": t.target, "members": _members(t.members), "exclusions": exclusions(t.exclusions)}
        for t in assignment.teams
    ]
    unstaffed: list[JsonValue] = [
        {
            "target": u.target,
            "reason": str(u.reason),
            "detail": u.detail,
            "partial": _members(u.partial),
            "exclusions": exclusions(u.exclusions),
        }
        for u in assignment.unstaffed
    ]
    return {
        "size": assignment.size,
        "rule": assignment.rule.value,
        "assigned": assigned,
        "unstaffed": unstaffed,
    }


def build_manifest(
    *,
    batch: Mapping[str, JsonValue],
    targets_csv: bytes,
    inspectors_csv: bytes,
    params: DrawParameters,
    ceremony: CeremonyRecord,
    digest_algorithm: str = "sha256",
) -> dict[str, JsonValue]:
    """Run the whole draw from the published inputs; the unsigned manifest.

    ``digest_algorithm`` is the one the batch was frozen with (its snapshot hash names it).
    """
    document = snapshot_document(targets_csv, inspectors_csv, params, digest_algorithm)
    snapshot = snapshot_hash(document, digest_algorithm)
    result = combine_seed(
        ceremony.id,
        snapshot,
        ceremony.commits,
        ceremony.reveals,
        public_value=ceremony.public_value,
    )
    # targets.csv is read row by row, twice, rather than held: it may have millions of rows
    strata = population(iter_targets_csv(targets_csv))
    draw = draw_stratified(strata, params.rates, result.seed, replacements=params.replacements)
    assignment = assign_teams(
        team_targets(iter_targets_csv(targets_csv), draw.drawn_ids()),
        read_inspectors_csv(inspectors_csv),
        result.seed,
        size=params.team_size,
        rule=params.region_rule,
    )
    return {
        "format": MANIFEST_FORMAT,
        "algorithm": ALGORITHM,
        "batch": dict(batch),
        "snapshot": {"document": document, "sha256": snapshot},
        "ceremony": {
            "id": ceremony.id,
            "commits": dict(ceremony.commits),
            "reveals": dict(ceremony.reveals),
            "public_value": ceremony.public_value,
            "seed_input": result.seed_input,
            "seed": result.seed,
        },
        "strata": _strata_section(draw),
        "teams": _teams_section(assignment),
    }


def fast_canonical_json(value: JsonValue) -> str:
    """:func:`ticcoop.methods.seed.canonical_json`, with the C JSON encoder when possible.

    ``json.dumps(sort_keys=True, ensure_ascii=False)`` writes RFC 8785 for strings,
    safe integers, booleans, null, arrays and objects whose keys contain no character
    above U+FFFF (code point order then equals UTF-16 order); anything else goes
    through the reference implementation, which also raises the precise errors.
    """
    if not _plain(value):
        return canonical_json(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _plain(value: object) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) or item is None or isinstance(item, bool):
            continue
        if isinstance(item, int):
            if abs(item) > _MAX_SAFE_INT:
                return False
        elif isinstance(item, dict):
            for key in item:
                if not isinstance(key, str) or _ASTRAL.search(key):
                    return False
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        else:
            return False
    return True


def manifest_digest(manifest: Mapping[str, JsonValue]) -> str:
    """Digest of the canonical JSON of the manifest without its ``signature`` member, with
    the manifest's own algorithm (:func:`digest_algorithm`; SHA-256 hex or ``sm3:<hex>``)."""
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return file_digest(_utf8(fast_canonical_json(body)), manifest_algorithm(manifest))


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise ManifestInputError("manifest contains unpaired surrogates") from None


def sign_manifest(
    manifest: Mapping[str, JsonValue], sign: Callable[[Mapping[str, str | int]], str]
) -> dict[str, JsonValue]:
    """Add ``signature``: a TC1 token (methods.signing) over the manifest digest."""
    token = sign({"kind": MANIFEST_FORMAT, "sha256": manifest_digest(manifest)})
    return {**manifest, "signature": token}


def serialise_manifest(manifest: Mapping[str, JsonValue]) -> bytes:
    """The published bytes: canonical JSON (RFC 8785) and a final newline, UTF-8."""
    return _utf8(fast_canonical_json(manifest) + "\n")


def parse_manifest(data: bytes) -> dict[str, Any]:
    """Parse a published manifest, refusing any byte sequence but the canonical one."""
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError as exc:
        raise ManifestInputError(f"manifest: byte {exc.start + 1} is not UTF-8") from None
    except ValueError as exc:
        raise ManifestInputError(f"manifest is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ManifestInputError("manifest must be a JSON object")
    try:
        canonical = serialise_manifest(value)
    except SeedInputError as exc:
        raise ManifestInputError(f"manifest: {exc}") from None
    if canonical != data:
        at = next(
            (i for i, (a, b) in enumerate(zip(canonical, data, strict=False)) if a != b), None
        )
        at = min(len(canonical), len(data)) if at is None else at
        raise ManifestInputError(f"manifest is not in canonical form (byte {at + 1} differs)")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate object key")
    return result
