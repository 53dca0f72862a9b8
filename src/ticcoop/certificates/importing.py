"""Bulk import of institutions, certificates and scopes (the write side of tables.py).

``import_registry(actor, name, data, dry_run=...)`` validates every row first (import_checks.py)
and reports every bad row and field (``第17行，列"统一社会信用代码"：校验码应为'X'``); only a file
without errors is written, in one transaction (all or nothing), with bulk inserts/updates
in batches.  Re-importing the same file changes nothing (upsert by credit code and by
certificate number; unchanged rows are left alone).  A regulator imports only rows of
their own region.  Imported certificates are records migrated from the regions' former
systems: they get an ``import`` version (signed) instead of an initial-issue check.
One :class:`ImportBatch` row (audited) records who, when, the file's SHA-256 and the counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ticcoop import events
from ticcoop.accounts.audit import audit_as
from ticcoop.audit.chain import append_written
from ticcoop.bulk import insert_rows, update_rows
from ticcoop.certificates.import_audit import (
    CERTIFICATE_FIELDS,
    CertificateBefore,
    log_import,
)
from ticcoop.certificates.import_checks import INSTITUTION_FIELDS, ImportChecker, Progress
from ticcoop.certificates.models import (
    Certificate,
    ImportBatch,
    ScopeItem,
    VersionAction,
)
from ticcoop.certificates.scope import ScopeRow, digest_of
from ticcoop.certificates.search import refresh_search_keys_of_holders
from ticcoop.certificates.services import new_version
from ticcoop.certificates.tables import (
    CERTIFICATES,
    INSTITUTIONS,
    SCOPES,
    FileProblem,
    read_tables,
)
from ticcoop.digesting import record_digest
from ticcoop.registry.models import Institution
from ticcoop.trust import services as trust

BATCH = 1000


@dataclass
class ImportReport:
    dry_run: bool
    errors: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    batch_id: int | None = None
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# --- writing --------------------------------------------------------------------------------


def _write_institutions(checker: ImportChecker, report: ImportReport) -> None:
    Institution.objects.bulk_create(checker.new_institutions, batch_size=BATCH)
    now = timezone.now()
    for institution in checker.changed_institutions:
        institution.updated_at = now
    update_rows(checker.changed_institutions, [*INSTITUTION_FIELDS, "updated_at"])
    events.record_many("institutions", [*checker.new_institutions, *checker.changed_institutions])
    report.counts["机构新增"] = len(checker.new_institutions)
    report.counts["机构更新"] = len(checker.changed_institutions)


def _stored_scopes(certificate_ids: list[int]) -> dict[int, list[ScopeRow]]:
    found: dict[int, list[ScopeRow]] = defaultdict(list)
    for start in range(0, len(certificate_ids), BATCH):
        items = ScopeItem.objects.filter(certificate_id__in=certificate_ids[start : start + BATCH])
        for item in items.order_by("certificate_id", "position", "pk"):
            found[item.certificate_id].append(ScopeRow.from_mapping(vars(item)))
    return found


Plan = tuple[Certificate, list[ScopeRow], bool]  # a certificate, its scope, scope changed?


def _plan_certificate(
    checker: ImportChecker,
    number: str,
    entry: dict[str, Any],
    holders: dict[str, Institution],
    old_scopes: dict[int, list[ScopeRow]],
) -> Plan | None:
    """(certificate, its scope, scope changed?) if the row changes anything, else None."""
    stored: Certificate | None = entry["stored"]
    old = old_scopes.get(stored.pk, []) if stored else []
    rows = checker.scopes.get(number) or old
    scope_changed = stored is None or (
        number in checker.scopes and digest_of(rows) != digest_of(old)
    )
    state = (entry["status"], entry["status_reason"])
    status_changed = stored is None or (stored.status, stored.status_reason) != state
    if not (scope_changed or status_changed):
        return None
    certificate = stored or Certificate(
        number=number,
        issuing_region=entry["region"],
        issue_date=entry["issue_date"],
        valid_from=entry["valid_from"],
        expiry_date=entry["expiry"],
    )
    certificate.institution = holders[entry["credit_code"]]
    if status_changed:
        certificate.status, certificate.status_reason = state
        certificate.status_changed_at = timezone.now()
    return certificate, rows, scope_changed


def _write_certificates(
    checker: ImportChecker, actor: Any, report: ImportReport, additional_data: dict[str, Any]
) -> None:
    codes = list({entry["credit_code"] for entry in checker.certificates.values()})
    holders = Institution.objects.in_bulk(codes, field_name="credit_code")
    scope_only = [n for n in checker.scopes if n not in checker.certificates]
    for certificate in Certificate.objects.filter(number__in=scope_only).select_related(
        "institution", "issuing_region"
    ):
        checker.certificates[certificate.number] = {
            "stored": certificate, "credit_code": certificate.institution.credit_code,
            "status": certificate.status, "status_reason": certificate.status_reason,
        }  # fmt: skip
        holders.setdefault(certificate.institution.credit_code, certificate.institution)
    stored_ids = [e["stored"].pk for e in checker.certificates.values() if e["stored"]]
    old_scopes = _stored_scopes(stored_ids)
    plans = []
    before: dict[int, CertificateBefore] = {}
    for number, entry in checker.certificates.items():
        stored = entry["stored"]
        old_values = {f: getattr(stored, f) for f in CERTIFICATE_FIELDS} if stored else {}
        plan = _plan_certificate(checker, number, entry, holders, old_scopes)
        if plan is None:
            continue
        plans.append(plan)
        if stored is not None:  # its state before the import, for the audit entry
            before[stored.pk] = CertificateBefore(
                old_values, digest_of(old_scopes.get(stored.pk, []))
            )
    batch = trust.BatchSigner()
    versions = [
        new_version(
            certificate, rows, action=VersionAction.IMPORT, reason="批量导入",
            actor=actor, sign=batch.for_issuer(certificate.issuer_code), save=False,
        )
        for certificate, rows, _scope_changed in plans
    ]  # fmt: skip
    tokens = batch.sign_in_background()  # the rows below need no token: written meanwhile
    _write_planned(plans, report)
    written = [(c, v.scope_digest) for (c, _rows, _changed), v in zip(plans, versions, strict=True)]
    log_import(actor, checker, written, before, additional_data)
    for version, token in zip(versions, tokens(), strict=True):
        version.token = token
    insert_rows(versions)
    # a version is its own audit record (who, when, why, the whole state): chained, not logged
    append_written(versions)


def _write_planned(plans: list[Plan], report: ImportReport) -> None:
    """The certificates, their scope rows and change-feed events (not the versions)."""
    new = [c for c, _rows, _changed in plans if c.pk is None]
    updated = [c for c, _rows, _changed in plans if c.pk is not None]
    insert_rows(new)  # COPY on PostgreSQL, executemany elsewhere; assigns the pks
    now = timezone.now()
    for certificate in updated:
        certificate.updated_at = now
    update_rows(
        updated,
        ["status", "status_reason", "status_changed_at", "version", "search_key", "updated_at"],
    )
    rescoped = [(c, rows) for c, rows, changed in plans if changed]
    updated_pks = {c.pk for c in updated}
    clear = [c.pk for c, _rows in rescoped if c.pk in updated_pks]
    for start in range(0, len(clear), BATCH):
        ScopeItem.objects.filter(certificate_id__in=clear[start : start + BATCH]).delete()
    items = [
        ScopeItem(certificate_id=c.pk, position=index, **row.as_dict())
        for c, rows in rescoped
        for index, row in enumerate(rows, start=1)
    ]
    insert_rows(items)
    events.record_many("certificates", [c for c, _rows, _changed in plans])
    report.counts["证书新增"] = len(new)
    report.counts["证书更新"] = len(updated)
    report.counts["能力范围行"] = len(items)


def import_registry(
    actor: Any,
    name: str,
    data: bytes,
    *,
    dry_run: bool,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate the whole file; unless ``dry_run`` or any error, write it atomically."""
    report = ImportReport(dry_run=dry_run)
    try:
        tables = read_tables(name, data)
    except FileProblem as exc:
        report.errors.append(str(exc))
        return report
    report.rows = sum(len(t.rows) for t in tables)
    if on_total:
        on_total(report.rows)
    checker = ImportChecker(actor, progress)
    checks = {
        INSTITUTIONS: checker.check_institutions,
        CERTIFICATES: checker.check_certificates,
        SCOPES: checker.check_scopes,
    }
    for table in tables:
        checks[table.kind](table)
    report.errors.extend(checker.errors)
    if not report.ok or dry_run:
        report.counts["机构新增"] = len(checker.new_institutions)
        report.counts["机构更新"] = len(checker.changed_institutions)
        report.counts["证书（新增或更新候选）"] = len(checker.certificates)
        report.counts["能力范围行"] = sum(len(rows) for rows in checker.scopes.values())
        return report
    file_sha256 = record_digest(data)
    with transaction.atomic(), audit_as(actor):
        _write_institutions(checker, report)
        # one audit entry per created or changed row, naming the file (import_audit.py)
        imported = {"import": "registry", "file": name[:255], "file_sha256": file_sha256}
        _write_certificates(checker, actor, report, imported)
        # update_rows skips the signal that keeps a renamed holder's certificates findable
        refresh_search_keys_of_holders(i.pk for i in checker.changed_institutions)
        real_actor = actor if getattr(actor, "is_authenticated", False) else None
        batch = ImportBatch(
            actor=real_actor,
            actor_name=real_actor.get_username() if real_actor else "",
            file_name=name[:255],
            file_sha256=file_sha256,
            counts={**report.counts, "行数": report.rows},
        )
        batch.full_clean()
        batch.save()
    report.batch_id = batch.pk
    _refresh_statistics()
    return report


def _refresh_statistics() -> None:
    """After a bulk load, let PostgreSQL's planner see the new row counts (else it may
    keep choosing plans made for an empty table until autovacuum gets round to it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            tables = "registry_institution, certificates_certificate, certificates_scopeitem"
            cursor.execute(f"ANALYZE {tables}")
