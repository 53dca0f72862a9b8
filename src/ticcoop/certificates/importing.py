"""Bulk import of institutions, certificates and scopes (the write side of tables.py).

``import_registry(actor, name, data, dry_run=...)`` validates every row first and reports
every bad row and field (``第17行，列"统一社会信用代码"：校验码应为'X'``); only a file
without errors is written, in one transaction (all or nothing), with bulk inserts/updates
in batches.  Re-importing the same file changes nothing (upsert by credit code and by
certificate number; unchanged rows are left alone).  A regulator imports only rows of
their own region.  Imported certificates are records migrated from the regions' former
systems: they get an ``import`` version (signed) instead of an initial-issue check.
One :class:`ImportBatch` row (audited) records who, when, the file's SHA-256 and the counts.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import can_write_region
from ticcoop.certificates.models import (
    Certificate,
    CertificateStatus,
    CertificateVersion,
    ImportBatch,
    ScopeItem,
    VersionAction,
)
from ticcoop.certificates.scope import ScopeRow, digest_of
from ticcoop.certificates.services import new_version
from ticcoop.certificates.tables import (
    CERTIFICATES,
    COLUMNS,
    INSTITUTIONS,
    SCOPES,
    FileProblem,
    Table,
)
from ticcoop.certificates.tables import read_tables as _read_tables
from ticcoop.certificates.validity import expiry_for
from ticcoop.methods import ids
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution, InstitutionStatus, RiskClass
from ticcoop.trust import services as trust

BATCH = 1000
INSTITUTION_FIELDS = (
    "name", "region_id", "address", "legal_representative", "contact_person", "contact_phone",
    "status", "risk_class",
)  # fmt: skip
Progress = Callable[[int], None]


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


def credit_code_problem(code: str) -> str | None:
    """Chinese reason why ``code`` is not a GB 32100-2015 credit code, or None."""
    text = code.strip().upper()
    if len(text) != 18:
        return f"长度应为18位，实为{len(text)}位"
    for position, char in enumerate(text, start=1):
        if char not in ids.CREDIT_CODE_ALPHABET:
            return f"第{position}位字符'{char}'不允许（只能是数字和除I、O、Z、S、V外的大写字母）"
    expected = ids.credit_code_check_character(text[:17])
    reason = ids.check_credit_code(text)
    if reason is None:
        return None
    if text[17] != expected and "position 18" in reason:
        return f"校验码应为'{expected}'"
    return f"格式不符合GB 32100-2015：{reason}"


def _choice(value: str, choices: Iterable[tuple[str, Any]], default: str) -> str | None:
    if not value:
        return default
    for key, label in choices:
        if value in (key, str(label)):
            return str(key)
    return None


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        return None


class _Checker:
    """Validation of all tables against the database; builds the write plan."""

    def __init__(self, actor: Any, report: ImportReport, progress: Progress | None) -> None:
        self.actor = actor
        self.report = report
        self.progress = progress or (lambda n: None)
        self.regions = {r.code: r for r in Region.objects.all()}
        self.by_authority: dict[str, Region | None] = {
            r.authority_code: r for r in self.regions.values()
        }
        self.by_authority["00"] = None
        self.institutions: dict[str, Institution] = {}  # credit code → new or changed object
        self.known_codes: dict[str, int | None] = {}  # credit code → region id
        self.new_institutions: list[Institution] = []
        self.changed_institutions: list[Institution] = []
        self.certificates: dict[str, dict[str, Any]] = {}
        self.scopes: dict[str, list[ScopeRow]] = defaultdict(list)

    def error(self, table: Table, row: int, name: str | None, message: str) -> None:
        column = f'，列"{table.title(name)}"' if name else ""
        self.report.errors.append(f"{table.label}第{row}行{column}：{message}")

    def region_label(self, region_id: int | None) -> str:
        found = next((r for r in self.regions.values() if r.pk == region_id), None)
        return found.name_zh if found else "国家认监委"

    def may_write(self, region_id: int | None) -> bool:
        return can_write_region(self.actor, region_id)

    # --- institutions ---------------------------------------------------------------------

    def check_institutions(self, table: Table) -> None:
        codes = [values.get("credit_code", "").strip().upper() for _, values in table.rows]
        existing = Institution.objects.in_bulk(codes, field_name="credit_code")
        seen: dict[str, int] = {}
        for row, values in table.rows:
            self.progress(1)
            self._institution_row(table, row, values, existing, seen)

    def _institution_row(
        self,
        table: Table,
        row: int,
        values: dict[str, str],
        existing: dict[str, Institution],
        seen: dict[str, int],
    ) -> None:
        code = values.get("credit_code", "").strip().upper()
        problem = credit_code_problem(code)
        if problem:
            self.error(table, row, "credit_code", problem)
            return
        if code in seen:
            self.error(table, row, "credit_code", f"与第{seen[code]}行重复")
            return
        seen[code] = row
        region = self.regions.get(values.get("region", ""))
        if region is None:
            self.error(
                table,
                row,
                "region",
                f"未知地区代码'{values.get('region', '')}'（应为 {'、'.join(self.regions)}）",
            )
            return
        if not self.may_write(region.pk):
            self.error(table, row, "region", f"只能导入本地区的机构，本行为{region.name_zh}")
            return
        stored = existing.get(code)
        if stored is not None and not self.may_write(stored.region_id):
            self.error(
                table,
                row,
                "credit_code",
                f"该机构已登记在{self.region_label(stored.region_id)}，不能修改",
            )
            return
        status = _choice(
            values.get("status", ""), InstitutionStatus.choices, InstitutionStatus.OPERATING
        )
        risk = _choice(values.get("risk_class", ""), RiskClass.choices, RiskClass.B)
        if status is None:
            self.error(
                table,
                row,
                "status",
                f"应为{'、'.join(str(label) for _, label in InstitutionStatus.choices)}之一",
            )
            return
        if risk is None:
            self.error(table, row, "risk_class", "应为A、B、C、D之一")
            return
        target = Institution(pk=stored.pk if stored else None, credit_code=code, region=region)
        target.created_at = stored.created_at if stored else timezone.now()
        for name in ("name", "address", "legal_representative", "contact_person", "contact_phone"):
            setattr(target, name, values.get(name, ""))
        target.status, target.risk_class = status, risk
        try:
            target.full_clean(exclude=["region"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            columns = {key for key, _title, _required in COLUMNS[INSTITUTIONS]}
            for name, messages in exc.message_dict.items():
                self.error(table, row, name if name in columns else None, "；".join(messages))
            return
        self.known_codes[code] = region.pk
        if stored is None:
            self.new_institutions.append(target)
        elif any(getattr(stored, f) != getattr(target, f) for f in INSTITUTION_FIELDS):
            self.changed_institutions.append(target)

    # --- certificates ---------------------------------------------------------------------

    def check_certificates(self, table: Table) -> None:
        numbers = [values.get("number", "").strip() for _, values in table.rows]
        existing = Certificate.objects.select_related("institution").in_bulk(
            numbers, field_name="number"
        )
        codes = {values.get("credit_code", "").strip().upper() for _, values in table.rows}
        codes -= set(self.known_codes)
        for code, region_id in (
            Institution.objects.filter(credit_code__in=codes)
            .values_list("credit_code", "region_id")
            .iterator()
        ):
            self.known_codes.setdefault(code, region_id)
        seen: dict[str, int] = {}
        for row, values in table.rows:
            self.progress(1)
            self._certificate_row(table, row, values, existing, seen)

    def _certificate_row(
        self,
        table: Table,
        row: int,
        values: dict[str, str],
        existing: dict[str, Certificate],
        seen: dict[str, int],
    ) -> None:
        number = values.get("number", "").strip()
        try:
            parsed = ids.parse_certificate_number(number)
        except ids.IdentifierError as exc:
            self.error(table, row, "number", f"证书编号无效：{exc}")
            return
        if number in seen:
            self.error(table, row, "number", f"与第{seen[number]}行重复")
            return
        seen[number] = row
        region = self.by_authority[parsed.authority]
        region_id = region.pk if region else None
        if not self.may_write(region_id):
            self.error(
                table,
                row,
                "number",
                f"发证机关为{self.region_label(region_id)}，只能导入本地区发证的证书",
            )
            return
        code = values.get("credit_code", "").strip().upper()
        if code not in self.known_codes:
            self.error(table, row, "credit_code", "机构未登记（也不在本文件的机构表中）")
            return
        issue_date = _parse_date(values.get("issue_date", ""))
        if issue_date is None:
            self.error(
                table,
                row,
                "issue_date",
                f"日期格式应为YYYY-MM-DD，实为'{values.get('issue_date', '')}'",
            )
            return
        if issue_date.year != parsed.year:
            self.error(
                table,
                row,
                "issue_date",
                f"发证年份{issue_date.year}与证书编号前两位（{parsed.year}）不一致",
            )
            return
        valid_from = (
            _parse_date(values.get("valid_from", "")) if values.get("valid_from") else issue_date
        )
        if valid_from is None or valid_from < issue_date:
            self.error(table, row, "valid_from", "有效期起应为不早于发证日期的日期（YYYY-MM-DD）")
            return
        expiry = expiry_for(valid_from)
        if values.get("expiry_date") and _parse_date(values["expiry_date"]) != expiry:
            self.error(
                table,
                row,
                "expiry_date",
                f"有效期至由系统计算（有效期起+6年−1天），应为{expiry.isoformat()}",
            )
            return
        status = _choice(
            values.get("status", ""),
            [c for c in CertificateStatus.choices if c[0] != "expired"],
            CertificateStatus.VALID,
        )
        if status is None:
            self.error(
                table, row, "status", "应为有效、暂停、撤销、注销之一（过期由有效期自动判断）"
            )
            return
        stored = existing.get(number)
        if stored is not None:
            if stored.institution.credit_code != code:
                self.error(
                    table, row, "credit_code", f"证书已登记给机构{stored.institution.credit_code}"
                )
                return
            if stored.issue_date != issue_date or stored.valid_from != valid_from:
                self.error(
                    table,
                    row,
                    "issue_date",
                    "与已登记的发证日期/有效期起不一致（更正应通过延续或变更办理）",
                )
                return
        self.certificates[number] = {
            "stored": stored, "credit_code": code, "region": region, "issue_date": issue_date,
            "valid_from": valid_from, "expiry": expiry, "status": status,
            "status_reason": values.get("status_reason", ""), "row": row,
        }  # fmt: skip

    # --- scopes ---------------------------------------------------------------------------

    def check_scopes(self, table: Table) -> None:
        numbers = {values.get("number", "").strip() for _, values in table.rows} - set(
            self.certificates
        )
        stored = dict(
            Certificate.objects.filter(number__in=numbers).values_list(
                "number", "issuing_region_id"
            )
        )
        seen: dict[tuple[str, ScopeRow], int] = {}
        for row, values in table.rows:
            self.progress(1)
            number = values.get("number", "").strip()
            if number in self.certificates:
                entry = self.certificates[number]
                region_id = entry["region"].pk if entry["region"] else None
            elif number in stored:
                region_id = stored[number]
                if not self.may_write(region_id):
                    self.error(
                        table,
                        row,
                        "number",
                        f"证书由{self.region_label(region_id)}发证，不能修改其能力范围",
                    )
                    continue
            else:
                self.error(table, row, "number", "证书未登记（也不在本文件的证书表中）")
                continue
            scope_row = ScopeRow.from_mapping(values)
            problems = scope_row.problems()
            for name, message in problems:
                self.error(table, row, name, message)
            if problems:
                continue
            if (number, scope_row) in seen:
                self.error(table, row, None, f"与第{seen[number, scope_row]}行重复")
                continue
            seen[number, scope_row] = row
            self.scopes[number].append(scope_row)
        for number, entry in self.certificates.items():
            if entry["stored"] is None and not self.scopes.get(number):
                self.report.errors.append(
                    f"证书表第{entry['row']}行：新证书{number}在文件中没有能力范围行"
                )


# --- writing --------------------------------------------------------------------------------


def _write_institutions(checker: _Checker, report: ImportReport) -> None:
    Institution.objects.bulk_create(checker.new_institutions, batch_size=BATCH)
    now = timezone.now()
    for institution in checker.changed_institutions:
        institution.updated_at = now
    Institution.objects.bulk_update(
        checker.changed_institutions, [*INSTITUTION_FIELDS, "updated_at"], batch_size=BATCH
    )
    report.counts["机构新增"] = len(checker.new_institutions)
    report.counts["机构更新"] = len(checker.changed_institutions)


def _stored_scopes(certificate_ids: list[int]) -> dict[int, list[ScopeRow]]:
    found: dict[int, list[ScopeRow]] = defaultdict(list)
    for start in range(0, len(certificate_ids), BATCH):
        items = ScopeItem.objects.filter(certificate_id__in=certificate_ids[start : start + BATCH])
        for item in items.order_by("certificate_id", "position", "pk"):
            found[item.certificate_id].append(ScopeRow.from_mapping(vars(item)))
    return found


def _plan_certificate(
    checker: _Checker,
    number: str,
    entry: dict[str, Any],
    holders: dict[str, Institution],
    old_scopes: dict[int, list[ScopeRow]],
) -> tuple[Certificate, list[ScopeRow], bool] | None:
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


def _write_certificates(checker: _Checker, actor: Any, report: ImportReport) -> None:
    codes = list({entry["credit_code"] for entry in checker.certificates.values()})
    holders = Institution.objects.in_bulk(codes, field_name="credit_code")
    scope_only = [n for n in checker.scopes if n not in checker.certificates]
    for certificate in Certificate.objects.filter(number__in=scope_only).select_related(
        "institution"
    ):
        checker.certificates[certificate.number] = {
            "stored": certificate, "credit_code": certificate.institution.credit_code,
            "status": certificate.status, "status_reason": certificate.status_reason,
        }  # fmt: skip
        holders.setdefault(certificate.institution.credit_code, certificate.institution)
    stored_ids = [e["stored"].pk for e in checker.certificates.values() if e["stored"]]
    old_scopes = _stored_scopes(stored_ids)
    plans = [
        plan
        for number, entry in checker.certificates.items()
        if (plan := _plan_certificate(checker, number, entry, holders, old_scopes)) is not None
    ]
    signers: dict[str, Callable[[dict[str, str | int]], str]] = {}
    versions = []
    for certificate, rows, _scope_changed in plans:
        issuer = certificate.issuer_code
        if issuer not in signers:
            signers[issuer] = trust.signer(issuer)
        versions.append(
            new_version(
                certificate, rows, action=VersionAction.IMPORT, reason="批量导入",
                actor=actor, sign=signers[issuer], save=False,
            )
        )  # fmt: skip
    new = [c for c, _rows, _changed in plans if c.pk is None]
    updated = [c for c, _rows, _changed in plans if c.pk is not None]
    Certificate.objects.bulk_create(new, batch_size=BATCH)
    if any(c.pk is None for c in new):  # backends that do not return primary keys
        pks = dict(
            Certificate.objects.filter(number__in=[c.number for c in new]).values_list(
                "number", "pk"
            )
        )
        for certificate in new:
            certificate.pk = pks[certificate.number]
    now = timezone.now()
    for certificate in updated:
        certificate.updated_at = now
    Certificate.objects.bulk_update(
        updated,
        ["status", "status_reason", "status_changed_at", "version", "updated_at"],
        batch_size=BATCH,
    )
    CertificateVersion.objects.bulk_create(versions, batch_size=BATCH)
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
    ScopeItem.objects.bulk_create(items, batch_size=BATCH)
    report.counts["证书新增"] = len(new)
    report.counts["证书更新"] = len(updated)
    report.counts["能力范围行"] = len(items)


def read_tables(name: str, data: bytes) -> list[Table]:
    return _read_tables(name, data)


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
    checker = _Checker(actor, report, progress)
    checks = {
        INSTITUTIONS: checker.check_institutions,
        CERTIFICATES: checker.check_certificates,
        SCOPES: checker.check_scopes,
    }
    for table in tables:
        checks[table.kind](table)
    if not report.ok or dry_run:
        report.counts["机构新增"] = len(checker.new_institutions)
        report.counts["机构更新"] = len(checker.changed_institutions)
        report.counts["证书（新增或更新候选）"] = len(checker.certificates)
        report.counts["能力范围行"] = sum(len(rows) for rows in checker.scopes.values())
        return report
    with transaction.atomic(), audit_as(actor):
        _write_institutions(checker, report)
        _write_certificates(checker, actor, report)
        real_actor = actor if getattr(actor, "is_authenticated", False) else None
        batch = ImportBatch(
            actor=real_actor,
            actor_name=real_actor.get_username() if real_actor else "",
            file_name=name[:255],
            file_sha256=hashlib.sha256(data).hexdigest(),
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
