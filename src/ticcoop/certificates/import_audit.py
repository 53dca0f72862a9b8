"""Audit entries of a registry import: one per created or changed institution, certificate
and certificate version (see ``ticcoop.audit.services.log_rows``).

Scope rows are not logged one by one: a certificate whose scope changed gets a new version
whose ``scope`` holds the complete new scope, and the certificate's entry records the scope
digest before and after — the same evidence at a fraction of the rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ticcoop.audit.chain import append_records
from ticcoop.audit.services import RowChange, log_rows
from ticcoop.certificates.import_checks import INSTITUTION_FIELDS, ImportChecker
from ticcoop.certificates.models import Certificate, CertificateVersion, VersionAction
from ticcoop.registry.models import Institution

CERTIFICATE_FIELDS = ("status", "status_reason", "version")


@dataclass(frozen=True)
class CertificateBefore:
    """What an updated certificate looked like before the import."""

    values: dict[str, Any]
    scope_digest: str


def institution_rows(checker: ImportChecker) -> Iterator[RowChange]:
    for new in checker.new_institutions:
        fields = ("credit_code", *INSTITUTION_FIELDS)
        yield RowChange(new.pk, str(new), {f: (None, getattr(new, f)) for f in fields}, True)
    for changed in checker.changed_institutions:
        old = checker.stored_institutions[changed.pk]
        diff = {
            f: (getattr(old, f), getattr(changed, f))
            for f in INSTITUTION_FIELDS
            if getattr(old, f) != getattr(changed, f)
        }
        yield RowChange(changed.pk, str(changed), diff)


def snapshot(certificate: Certificate, scope_digest: str) -> CertificateBefore:
    return CertificateBefore({f: getattr(certificate, f) for f in CERTIFICATE_FIELDS}, scope_digest)


def certificate_rows(
    plans: Sequence[tuple[Certificate, str]], before: dict[int, CertificateBefore]
) -> Iterator[RowChange]:
    """``plans``: every written certificate with its new scope digest."""
    for certificate, digest in plans:
        old = before.get(certificate.pk)
        if old is None:
            fields = ("number", "institution_id", "issuing_region_id", "issue_date",
                      "valid_from", "expiry_date", *CERTIFICATE_FIELDS)  # fmt: skip
            changes: dict[str, tuple[Any, Any]] = {
                f: (None, getattr(certificate, f)) for f in fields
            }
            changes["scope_digest"] = (None, digest)
            yield RowChange(certificate.pk, str(certificate), changes, True)
            continue
        changes = {
            f: (value, getattr(certificate, f))  # the state before vs. after
            for f, value in old.values.items()
            if value != getattr(certificate, f)
        }
        if digest != old.scope_digest:
            changes["scope_digest"] = (old.scope_digest, digest)
        yield RowChange(certificate.pk, str(certificate), changes)


def version_rows(versions: Sequence[CertificateVersion]) -> Iterator[RowChange]:
    # str(version) looked its action's label up per row (get_FIELD_display: 8 % of a
    # 100,000-row import in a profile); the same text, each label translated once
    labels = {value: str(label) for value, label in VersionAction.choices}
    fields = ("certificate_id", "number", "action", "status", "scope_digest", "reason")
    for version in versions:
        changes = {f: (None, getattr(version, f)) for f in fields}
        label = f"{version.certificate_id} v{version.number} {labels[version.action]}"
        yield RowChange(version.pk, label, changes, True)


def log_import(
    actor: Any,
    checker: ImportChecker,
    certificates: Sequence[tuple[Certificate, str]],
    before: dict[int, CertificateBefore],
    versions: Sequence[CertificateVersion],
    additional_data: dict[str, Any],
) -> int:
    """Write every entry of one import (and chain the new certificate versions)."""
    append_records(CertificateVersion, [version.pk for version in versions])
    return (
        log_rows(actor, Institution, institution_rows(checker), additional_data)
        + log_rows(actor, Certificate, certificate_rows(certificates, before), additional_data)
        + log_rows(actor, CertificateVersion, version_rows(versions), additional_data)
    )
