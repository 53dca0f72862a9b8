"""Row validation of a registry import against the database (the read side of importing.py).

:class:`ImportChecker` checks every row of the institution, certificate and scope tables and
collects one message per bad row and field (``第17行，列"统一社会信用代码"：校验码应为'X'``);
what passes becomes the write plan that importing.py carries out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import can_write_region
from ticcoop.certificates.models import Certificate, CertificateStatus
from ticcoop.certificates.scope import ScopeRow
from ticcoop.certificates.tables import COLUMNS, INSTITUTIONS, Table, choice_lookup
from ticcoop.certificates.validity import expiry_for
from ticcoop.methods import ids
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution, InstitutionStatus, RiskClass
from ticcoop.registry.validators import credit_code_problem as worded_problem

INSTITUTION_FIELDS = (
    "name", "region_id", "address", "legal_representative", "contact_person", "contact_phone",
    "status", "risk_class",
)  # fmt: skip
Progress = Callable[[int], None]


def credit_code_problem(code: str) -> str | None:
    """Reason (in the active language) why ``code`` is not a GB 32100-2015 credit code, or None."""
    text = code.strip().upper()
    if len(text) != 18:
        return _("长度应为18位，实为%(length)d位") % {"length": len(text)}
    for position, char in enumerate(text, start=1):
        if char not in ids.CREDIT_CODE_ALPHABET:
            return _(
                "第%(position)d位字符'%(char)s'不允许（只能是数字和除I、O、Z、S、V外的大写字母）"
            ) % {"position": position, "char": char}
    expected = ids.credit_code_check_character(text[:17])
    try:
        ids.validate_credit_code(text)
    except ids.IdentifierError as exc:
        if exc.code == "check":
            return _("校验码应为'%(expected)s'") % {"expected": expected}
        return _("格式不符合GB 32100-2015：%(reason)s") % {"reason": worded_problem(exc)}
    return None


def _choice(value: str, lookup: dict[str, str], default: str) -> str | None:
    """The key ``value`` spells (see ``choice_lookup``), ``default`` if empty, else None."""
    return lookup.get(value) if value else default


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        return None


class ImportChecker:
    """Validation of all tables against the database; builds the write plan."""

    def __init__(self, actor: Any, progress: Progress | None) -> None:
        self.actor = actor
        self.progress = progress or (lambda n: None)
        self.errors: list[str] = []
        self.regions = {r.code: r for r in Region.objects.all()}
        self.by_authority: dict[str, Region | None] = {
            r.authority_code: r for r in self.regions.values()
        }
        self.by_authority["00"] = None
        self.known_codes: dict[str, int | None] = {}  # credit code → region id
        self.new_institutions: list[Institution] = []
        self.changed_institutions: list[Institution] = []
        # the stored row of each changed institution, for the audit entry's old values
        self.stored_institutions: dict[int, Institution] = {}
        self.certificates: dict[str, dict[str, Any]] = {}
        self.scopes: dict[str, list[ScopeRow]] = defaultdict(list)
        self.institution_statuses = choice_lookup(InstitutionStatus.choices)
        self.risk_classes = choice_lookup(RiskClass.choices)
        self.certificate_statuses = choice_lookup(
            c for c in CertificateStatus.choices if c[0] != CertificateStatus.EXPIRED
        )

    def error(self, table: Table, row: int, name: str | None, message: str) -> None:
        if table.label:
            location = _("%(table)s第%(row)d行") % {"table": table.label, "row": row}
        else:
            location = _("第%(row)d行") % {"row": row}
        if name:
            text = _('%(location)s，列"%(column)s"：%(message)s') % {
                "location": location,
                "column": table.title(name),
                "message": message,
            }
        else:
            text = _("%(location)s：%(message)s") % {"location": location, "message": message}
        self.errors.append(text)

    def region_label(self, region_id: int | None) -> str:
        found = next((r for r in self.regions.values() if r.pk == region_id), None)
        return found.display_name if found else _("国家认监委")

    def may_write(self, region_id: int | None) -> bool:
        return can_write_region(self.actor, region_id)

    # --- institutions ---------------------------------------------------------------------

    def check_institutions(self, table: Table) -> None:
        codes = [values.get("credit_code", "").strip().upper() for _row, values in table.rows]
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
            self.error(table, row, "credit_code", _("与第%(row)d行重复") % {"row": seen[code]})
            return
        seen[code] = row
        region = self.regions.get(values.get("region", ""))
        if region is None:
            message = _("未知地区代码'%(code)s'（应为 %(codes)s）") % {
                "code": values.get("region", ""),
                "codes": "、".join(self.regions),
            }
            self.error(table, row, "region", message)
            return
        if not self.may_write(region.pk):
            message = _("只能导入本地区的机构，本行为%(region)s") % {"region": region.display_name}
            self.error(table, row, "region", message)
            return
        stored = existing.get(code)
        if stored is not None and not self.may_write(stored.region_id):
            message = _("该机构已登记在%(region)s，不能修改") % {
                "region": self.region_label(stored.region_id)
            }
            self.error(table, row, "credit_code", message)
            return
        status = _choice(
            values.get("status", ""), self.institution_statuses, InstitutionStatus.OPERATING
        )
        risk = _choice(values.get("risk_class", ""), self.risk_classes, RiskClass.B)
        if status is None:
            labels = "、".join(str(label) for _key, label in InstitutionStatus.choices)
            self.error(table, row, "status", _("应为%(choices)s之一") % {"choices": labels})
            return
        if risk is None:
            self.error(table, row, "risk_class", _("应为A、B、C、D之一"))
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
            self.stored_institutions[stored.pk] = stored

    # --- certificates ---------------------------------------------------------------------

    def check_certificates(self, table: Table) -> None:
        numbers = [values.get("number", "").strip() for _row, values in table.rows]
        existing = Certificate.objects.select_related("institution", "issuing_region").in_bulk(
            numbers, field_name="number"
        )
        codes = {values.get("credit_code", "").strip().upper() for _row, values in table.rows}
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
            self.error(table, row, "number", _("证书编号无效：%(reason)s") % {"reason": exc})
            return
        if number in seen:
            self.error(table, row, "number", _("与第%(row)d行重复") % {"row": seen[number]})
            return
        seen[number] = row
        region = self.by_authority[parsed.authority]
        region_id = region.pk if region else None
        if not self.may_write(region_id):
            message = _("发证机关为%(region)s，只能导入本地区发证的证书") % {
                "region": self.region_label(region_id)
            }
            self.error(table, row, "number", message)
            return
        code = values.get("credit_code", "").strip().upper()
        if code not in self.known_codes:
            self.error(table, row, "credit_code", _("机构未登记（也不在本文件的机构表中）"))
            return
        issue_date = _parse_date(values.get("issue_date", ""))
        if issue_date is None:
            message = _("日期格式应为YYYY-MM-DD，实为'%(value)s'") % {
                "value": values.get("issue_date", "")
            }
            self.error(table, row, "issue_date", message)
            return
        if issue_date.year != parsed.year:
            message = _("发证年份%(year)d与证书编号前两位（%(number_year)d）不一致") % {
                "year": issue_date.year,
                "number_year": parsed.year,
            }
            self.error(table, row, "issue_date", message)
            return
        valid_from = (
            _parse_date(values.get("valid_from", "")) if values.get("valid_from") else issue_date
        )
        if valid_from is None or valid_from < issue_date:
            message = _("有效期起应为不早于发证日期的日期（YYYY-MM-DD）")
            self.error(table, row, "valid_from", message)
            return
        expiry = expiry_for(valid_from)
        if values.get("expiry_date") and _parse_date(values["expiry_date"]) != expiry:
            message = _("有效期至由系统计算（有效期起+6年−1天），应为%(expiry)s") % {
                "expiry": expiry.isoformat()
            }
            self.error(table, row, "expiry_date", message)
            return
        status = _choice(
            values.get("status", ""), self.certificate_statuses, CertificateStatus.VALID
        )
        if status is None:
            message = _("应为有效、暂停、撤销、注销之一（过期由有效期自动判断）")
            self.error(table, row, "status", message)
            return
        stored = existing.get(number)
        if stored is not None:
            if stored.institution.credit_code != code:
                message = _("证书已登记给机构%(credit_code)s") % {
                    "credit_code": stored.institution.credit_code
                }
                self.error(table, row, "credit_code", message)
                return
            if stored.issue_date != issue_date or stored.valid_from != valid_from:
                message = _("与已登记的发证日期/有效期起不一致（更正应通过延续或变更办理）")
                self.error(table, row, "issue_date", message)
                return
        self.certificates[number] = {
            "stored": stored, "credit_code": code, "region": region, "issue_date": issue_date,
            "valid_from": valid_from, "expiry": expiry, "status": status,
            "status_reason": values.get("status_reason", ""), "row": row,
        }  # fmt: skip

    # --- scopes ---------------------------------------------------------------------------

    def check_scopes(self, table: Table) -> None:
        numbers = {values.get("number", "").strip() for _row, values in table.rows} - set(
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
                    message = _("证书由%(region)s发证，不能修改其能力范围") % {
                        "region": self.region_label(region_id)
                    }
                    self.error(table, row, "number", message)
                    continue
            else:
                self.error(table, row, "number", _("证书未登记（也不在本文件的证书表中）"))
                continue
            scope_row = ScopeRow.from_mapping(values)
            problems = scope_row.problems()
            for name, message in problems:
                self.error(table, row, name, message)
            if problems:
                continue
            if (number, scope_row) in seen:
                message = _("与第%(row)d行重复") % {"row": seen[number, scope_row]}
                self.error(table, row, None, message)
                continue
            seen[number, scope_row] = row
            self.scopes[number].append(scope_row)
        for number, entry in self.certificates.items():
            if entry["stored"] is None and not self.scopes.get(number):
                self.errors.append(
                    _("证书表第%(row)d行：新证书%(number)s在文件中没有能力范围行")
                    % {"row": entry["row"], "number": number}
                )
