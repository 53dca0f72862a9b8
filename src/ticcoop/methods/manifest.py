"""Draw manifests: everything needed to redo a published 双随机 draw, and their verifier.

Pure Python, no Django.  A *manifest* is one JSON document (docs/methods/manifest.md)
published with two CSV files, ``targets.csv`` (the target directory snapshot, one row
per target and inspection item) and ``inspectors.csv`` (the inspector pool).  From
these three files anyone can recompute, with :func:`verify_manifest`:

1. the SHA-256 of both CSV files and the snapshot document that fixes the strata,
   rates and team rules (:func:`snapshot_document`), and its hash ``snapshot``;
2. every commit against its reveal and the seed (:mod:`ticcoop.methods.seed`);
3. every stratum's sample and replacement list (:mod:`ticcoop.methods.strata`,
   Rivest's consistent sampling, arXiv:1808.10016);
4. every team, with ranks, keys, exclusions and unstaffed targets
   (:mod:`ticcoop.methods.teams`);
5. the platform's Ed25519 signature (RFC 8032) over the manifest's canonical JSON
   (RFC 8785) without its ``signature`` member (:mod:`ticcoop.methods.signing`).

The published file is ``canonical_json(manifest) + "\\n"`` in UTF-8, so a manifest has
exactly one valid byte sequence and any changed byte is detected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ticcoop.methods import signing
from ticcoop.methods.draw import DrawInputError
from ticcoop.methods.seed import (
    CeremonyError,
    JsonValue,
    SeedInputError,
    canonical_json,
    combine_seed,
    snapshot_hash,
    strata_snapshot,
)
from ticcoop.methods.strata import (
    RISK_CLASSES,
    StratifiedDraw,
    StratumKey,
    draw_stratified,
    parse_rate,
)
from ticcoop.methods.teams import (
    Assignment,
    Inspector,
    Member,
    RegionRule,
    TeamInputError,
    TeamTarget,
    assign_teams,
)

__all__ = [
    "INSPECTOR_COLUMNS",
    "MANIFEST_FORMAT",
    "SNAPSHOT_LABEL",
    "TARGET_COLUMNS",
    "CeremonyRecord",
    "DrawParameters",
    "ManifestInputError",
    "TargetRow",
    "build_manifest",
    "manifest_digest",
    "parse_manifest",
    "population",
    "read_inspectors_csv",
    "read_targets_csv",
    "serialise_manifest",
    "sign_manifest",
    "snapshot_document",
    "verify_manifest",
    "write_inspectors_csv",
    "write_targets_csv",
]

MANIFEST_FORMAT = "ticcoop-draw-manifest-v1"
SNAPSHOT_LABEL = "ticcoop-snapshot-v1"
SIGNATURE_ISSUER = "platform"
TICKET_DIGITS = 18
ALGORITHM: dict[str, JsonValue] = {
    "seed": "ticcoop-seed-v1 (docs/methods/draw.md §1)",
    "sample": "consistent-sampler 1.0.10, ticcoop-stratum-v1 (docs/methods/draw.md §2-3)",
    "teams": "ticcoop-team-v1 (docs/methods/draw.md §4)",
    "ticket_digits": TICKET_DIGITS,
}
TARGET_COLUMNS = (
    "id",
    "name",
    "region",
    "risk_class",
    "item",
    "entity_type",
    "size",
    "sector",
    "area",
    "institutions",
    "ties",
    "excluded",
)
INSPECTOR_COLUMNS = ("id", "region", "employer", "capacity", "ties", "recent_targets")
LIST_SEPARATOR = ";"
_MAX_SAFE_INT = 2**53 - 1
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class ManifestInputError(ValueError):
    """A published file cannot be read; the message names the file, line and field."""


@dataclass(frozen=True)
class TargetRow:
    """One row of targets.csv: a target under one inspection item."""

    id: str
    name: str
    region: str
    risk_class: str
    item: str
    entity_type: str = ""
    size: str = ""
    sector: str = ""
    area: str = ""
    institutions: frozenset[str] = frozenset()
    ties: frozenset[str] = frozenset()
    excluded: str = ""  # non-empty: the reason the target is not in the draw


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


# ---------------------------------------------------------------------------
# CSV files
# ---------------------------------------------------------------------------


def _join(values: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(sorted(values))


def _split(value: str) -> frozenset[str]:
    return frozenset(part for part in value.split(LIST_SEPARATOR) if part)


def _write(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_targets_csv(rows: Iterable[TargetRow]) -> bytes:
    """targets.csv: UTF-8, RFC 4180 (CRLF), rows sorted by (id, item)."""
    ordered = sorted(rows, key=lambda r: (r.id, r.item))
    return _write(
        TARGET_COLUMNS,
        (
            (
                *(r.id, r.name, r.region, r.risk_class, r.item, r.entity_type, r.size),
                *(r.sector, r.area, _join(r.institutions), _join(r.ties), r.excluded),
            )
            for r in ordered
        ),
    )


def write_inspectors_csv(rows: Iterable[Inspector]) -> bytes:
    """inspectors.csv: UTF-8, RFC 4180 (CRLF), rows sorted by id."""
    ordered = sorted(rows, key=lambda r: r.id)
    return _write(
        INSPECTOR_COLUMNS,
        (
            (r.id, r.region, r.employer, str(r.capacity), _join(r.ties), _join(r.recent_targets))
            for r in ordered
        ),
    )


def _records(data: bytes, name: str, columns: Sequence[str]) -> Iterable[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestInputError(f"{name}: byte {exc.start + 1} is not UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header != list(columns):
            raise ManifestInputError(f"{name} line 1: header must be {','.join(columns)}")
        for row in reader:
            if len(row) != len(columns):
                raise ManifestInputError(
                    f"{name} line {reader.line_num}: {len(row)} fields, expected {len(columns)}"
                )
            yield reader.line_num, row
    except csv.Error as exc:
        raise ManifestInputError(f"{name} line {reader.line_num}: {exc}") from None


def read_targets_csv(data: bytes) -> list[TargetRow]:
    rows: list[TargetRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in _records(data, "targets.csv", TARGET_COLUMNS):
        record = dict(zip(TARGET_COLUMNS, values, strict=True))
        for field in ("id", "region", "item"):
            if not record[field]:
                raise ManifestInputError(f"targets.csv line {line}: {field} is empty")
        if record["risk_class"] not in RISK_CLASSES:
            raise ManifestInputError(
                f"targets.csv line {line}: risk_class {record['risk_class']!r} must be one of "
                f"{', '.join(RISK_CLASSES)}"
            )
        key = (record["id"], record["item"])
        if key in seen:
            raise ManifestInputError(
                f"targets.csv line {line}: id {key[0]!r} with item {key[1]!r} already on line "
                f"{seen[key]}"
            )
        seen[key] = line
        rows.append(
            TargetRow(
                id=record["id"],
                name=record["name"],
                region=record["region"],
                risk_class=record["risk_class"],
                item=record["item"],
                entity_type=record["entity_type"],
                size=record["size"],
                sector=record["sector"],
                area=record["area"],
                institutions=_split(record["institutions"]),
                ties=_split(record["ties"]),
                excluded=record["excluded"],
            )
        )
    return rows


def read_inspectors_csv(data: bytes) -> list[Inspector]:
    rows: list[Inspector] = []
    seen: dict[str, int] = {}
    for line, values in _records(data, "inspectors.csv", INSPECTOR_COLUMNS):
        record = dict(zip(INSPECTOR_COLUMNS, values, strict=True))
        if not record["id"] or not record["region"]:
            raise ManifestInputError(f"inspectors.csv line {line}: id and region are required")
        if record["id"] in seen:
            raise ManifestInputError(
                f"inspectors.csv line {line}: id {record['id']!r} already on line "
                f"{seen[record['id']]}"
            )
        seen[record["id"]] = line
        if not record["capacity"].isdigit() or not record["capacity"].isascii():
            raise ManifestInputError(
                f"inspectors.csv line {line}: capacity {record['capacity']!r} must be an "
                "integer >= 0"
            )
        rows.append(
            Inspector(
                id=record["id"],
                region=record["region"],
                employer=record["employer"],
                capacity=int(record["capacity"]),
                ties=_split(record["ties"]),
                recent_targets=_split(record["recent_targets"]),
            )
        )
    return rows


def population(targets: Iterable[TargetRow]) -> dict[StratumKey, list[str]]:
    """The strata of the draw: rows without an exclusion, grouped by (region, class, item)."""
    groups: dict[StratumKey, list[str]] = {}
    for row in targets:
        if not row.excluded:
            key = StratumKey(row.region, row.risk_class, row.item)
            groups.setdefault(key, []).append(row.id)
    return groups


# ---------------------------------------------------------------------------
# Snapshot and manifest
# ---------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _key_doc(key: StratumKey) -> dict[str, JsonValue]:
    return {"region": key.region, "risk_class": key.risk_class, "item": key.item}


def snapshot_document(
    targets_csv: bytes, inspectors_csv: bytes, params: DrawParameters
) -> dict[str, JsonValue]:
    """The document frozen (and its hash published) before the seed ceremony."""
    strata = population(read_targets_csv(targets_csv))
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
        "targets_csv_sha256": _sha256(targets_csv),
        "inspectors_csv_sha256": _sha256(inspectors_csv),
        "strata_sha256": snapshot_hash(
            strata_snapshot(strata, rates, replacements=params.replacements)
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


def team_targets(targets: Sequence[TargetRow], drawn: Iterable[str]) -> list[TeamTarget]:
    """One team target per drawn id (a target drawn for several items gets one team)."""
    by_id: dict[str, list[TargetRow]] = {}
    for row in targets:
        by_id.setdefault(row.id, []).append(row)
    result: list[TeamTarget] = []
    for target_id in sorted(set(drawn)):
        rows = by_id[target_id]
        regions = {row.region for row in rows}
        if len(regions) > 1:
            raise ManifestInputError(f"targets.csv: id {target_id!r} has several regions")
        result.append(
            TeamTarget(
                id=target_id,
                region=rows[0].region,
                institutions=frozenset().union(*(row.institutions for row in rows)),
                ties=frozenset().union(*(row.ties for row in rows)),
            )
        )
    return result


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
) -> dict[str, JsonValue]:
    """Run the whole draw from the published inputs; the unsigned manifest."""
    document = snapshot_document(targets_csv, inspectors_csv, params)
    snapshot = snapshot_hash(document)
    result = combine_seed(
        ceremony.id,
        snapshot,
        ceremony.commits,
        ceremony.reveals,
        public_value=ceremony.public_value,
    )
    targets = read_targets_csv(targets_csv)
    strata = population(targets)
    draw = draw_stratified(strata, params.rates, result.seed, replacements=params.replacements)
    assignment = assign_teams(
        team_targets(targets, draw.drawn_ids()),
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
    """SHA-256 of the canonical JSON of the manifest without its ``signature`` member."""
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return _sha256(_utf8(fast_canonical_json(body)))


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


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------


def first_difference(published: Any, recomputed: Any, path: str = "$") -> str | None:
    """Path and values of the first place where two JSON values differ, or None."""
    if isinstance(published, dict) and isinstance(recomputed, dict):
        for key in sorted(set(published) | set(recomputed)):
            if key not in published:
                return f"{path}.{key}: missing from the manifest"
            if key not in recomputed:
                return f"{path}.{key}: not expected in the manifest"
            found = first_difference(published[key], recomputed[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(published, list) and isinstance(recomputed, list):
        for index, (a, b) in enumerate(zip(published, recomputed, strict=False)):
            found = first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        if len(published) != len(recomputed):
            return f"{path}: manifest has {len(published)} entries, recomputed {len(recomputed)}"
        return None
    if type(published) is not type(recomputed) or published != recomputed:
        return f"{path}: manifest says {published!r}, recomputed {recomputed!r}"
    return None


def _check_signature(manifest: Mapping[str, Any], keys: signing.PublicKeySet) -> str | None:
    token = manifest.get("signature")
    if not isinstance(token, str):
        return "$.signature: missing"
    try:
        verified = signing.verify_payload(token, keys)
    except signing.SignatureInvalid as exc:
        return f"$.signature: {exc}"
    if verified.issuer != SIGNATURE_ISSUER:
        return f"$.signature: signed by issuer {verified.issuer!r}, expected {SIGNATURE_ISSUER!r}"
    expected = {"kind": MANIFEST_FORMAT, "sha256": manifest_digest(manifest)}
    if verified.fields != expected:
        return "$.signature: signed digest does not match the manifest's content"
    return None


def verify_manifest(
    manifest: bytes | Mapping[str, Any],
    targets_csv: bytes,
    inspectors_csv: bytes,
    public_keys: signing.PublicKeySet | None = None,
) -> list[str]:
    """Recompute everything from the published files; ``[]`` or the first difference.

    ``manifest`` is the published file's bytes (its canonical form is checked) or an
    already parsed document.  Without ``public_keys`` the signature is not checked.
    """
    try:
        document = parse_manifest(manifest) if isinstance(manifest, bytes) else dict(manifest)
        if document.get("format") != MANIFEST_FORMAT:
            return [f"$.format: expected {MANIFEST_FORMAT!r}"]
        if public_keys is not None and (problem := _check_signature(document, public_keys)):
            return [problem]
        snapshot = document.get("snapshot")
        recorded = snapshot.get("document") if isinstance(snapshot, dict) else None
        if not isinstance(recorded, dict):
            return ["$.snapshot.document: missing"]
        for name, data in (("targets", targets_csv), ("inspectors", inspectors_csv)):
            field = f"{name}_csv_sha256"
            if recorded.get(field) != _sha256(data):
                return [
                    f"$.snapshot.document.{field}: manifest says {recorded.get(field)!r}, "
                    f"{name}.csv has {_sha256(data)!r}"
                ]
        ceremony = _ceremony_of(document)
        rebuilt = build_manifest(
            batch=document.get("batch") or {},
            targets_csv=targets_csv,
            inspectors_csv=inspectors_csv,
            params=parameters_of(recorded),
            ceremony=ceremony,
        )
    except CeremonyError as exc:
        return [f"$.ceremony: {exc}"]
    except (ManifestInputError, SeedInputError, DrawInputError, TeamInputError, ValueError) as exc:
        return [str(exc)]
    body = {key: value for key, value in document.items() if key != "signature"}
    found = first_difference(body, rebuilt)
    return [found] if found else []


def _ceremony_of(document: Mapping[str, Any]) -> CeremonyRecord:
    ceremony = document.get("ceremony")
    if not isinstance(ceremony, dict):
        raise ManifestInputError("$.ceremony: missing")
    commits, reveals = ceremony.get("commits"), ceremony.get("reveals")
    if not isinstance(commits, dict) or not isinstance(reveals, dict):
        raise ManifestInputError("$.ceremony: commits and reveals must be objects")
    public = ceremony.get("public_value")
    if public is not None and not isinstance(public, str):
        raise ManifestInputError("$.ceremony.public_value: must be a string or null")
    return CeremonyRecord(str(ceremony.get("id")), commits, reveals, public)
