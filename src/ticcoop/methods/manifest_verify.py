"""Verify a published draw manifest by re-running the draw from its published files.

Pure Python, no Django.  From ``manifest.json``, ``targets.csv`` and ``inspectors.csv``
(docs/methods/manifest.md) :func:`verify_manifest` recomputes:

1. the digest of both CSV files (SHA-256, or SM3 when the manifest's snapshot hash says
   ``sm3:``, :func:`ticcoop.methods.manifest.manifest_algorithm`) and the snapshot document
   that fixes the strata,
   rates and team rules (:func:`ticcoop.methods.manifest.snapshot_document`), and its
   hash ``snapshot``;
2. every commit against its reveal and the seed (:mod:`ticcoop.methods.seed`);
3. every stratum's sample and replacement list (:mod:`ticcoop.methods.strata`,
   Rivest's consistent sampling, arXiv:1808.10016);
4. every team, with ranks, keys, exclusions and unstaffed targets
   (:mod:`ticcoop.methods.teams`);
5. the platform's signature (SM2 or Ed25519, as the token says) over the canonical JSON
   (RFC 8785) without its ``signature`` member (:mod:`ticcoop.methods.signing`).

The published file must be in its one canonical byte form
(:func:`ticcoop.methods.manifest.parse_manifest`), so any changed byte is detected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ticcoop.methods import signing
from ticcoop.methods.draw import DrawInputError
from ticcoop.methods.manifest import (
    MANIFEST_FORMAT,
    CeremonyRecord,
    build_manifest,
    file_digest,
    manifest_algorithm,
    manifest_digest,
    parameters_of,
    parse_manifest,
)
from ticcoop.methods.manifest_files import ManifestInputError
from ticcoop.methods.seed import CeremonyError, SeedInputError
from ticcoop.methods.team_rules import TeamInputError

__all__ = ["first_difference", "verify_manifest"]

SIGNATURE_ISSUER = "platform"


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
        algorithm = manifest_algorithm(document)  # recomputed with the recorded algorithm
        for name, data in (("targets", targets_csv), ("inspectors", inspectors_csv)):
            field = f"{name}_csv_sha256"
            if recorded.get(field) != file_digest(data, algorithm):
                return [
                    f"$.snapshot.document.{field}: manifest says {recorded.get(field)!r}, "
                    f"{name}.csv has {file_digest(data, algorithm)!r}"
                ]
        ceremony = _ceremony_of(document)
        rebuilt = build_manifest(
            batch=document.get("batch") or {},
            targets_csv=targets_csv,
            inspectors_csv=inspectors_csv,
            params=parameters_of(recorded),
            ceremony=ceremony,
            digest_algorithm=algorithm,
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
