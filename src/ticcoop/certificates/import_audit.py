"""Audit entries of a registry import: one per created or changed institution and certificate
(see ``ticcoop.audit.services.log_rows``).  Certificate versions get no entry, here or
anywhere: a version is an append-only, chained record that itself holds who wrote it, when,
why and the whole signed state (settings ``AUDITLOG_EXCLUDE_TRACKING_MODELS``).

Scope rows are not logged one by one: a certificate whose scope changed gets a new version
whose ``scope`` holds the complete new scope, and the certificate's entry records the scope
digest before and after — the same evidence at a fraction of the rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ticcoop.audit.services import RowChange, log_rows
from ticcoop.certificates.import_checks import INSTITUTION_FIELDS, ImportChecker
from ticcoop.certificates.models import Certificate
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


def log_import(
    actor: Any,
    checker: ImportChecker,
    certificates: Sequence[tuple[Certificate, str]],
    before: dict[int, CertificateBefore],
    additional_data: dict[str, Any],
) -> int:
    """Write every entry of one import: institutions and certificates (the certificate
    versions are chained by the caller: a version is its own record of who, when and why)."""
    return log_rows(actor, Institution, institution_rows(checker), additional_data) + log_rows(
        actor, Certificate, certificate_rows(certificates, before), additional_data
    )
