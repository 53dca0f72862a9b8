"""Bulk import of the target directory (检查对象名录库) from CSV: atomic, precise row errors.

Columns (UTF-8, header required, BOM allowed): ``code,name,region,entity_type,risk_class,
size,sector,area,related,status``.  ``region`` is the 2-digit region code, ``risk_class``
A–D (blank = B), ``status`` ``active`` or ``closed`` (blank = active), ``related`` the
semicolon-separated codes of related entities (for recusal).  An existing code is updated.
Rows are validated and upserted in batches inside one transaction; any error rolls back
everything and reports up to ``MAX_ERRORS`` rows with line number, field and reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import writable_region_ids
from ticcoop.audit.services import RowChange, log_rows
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution
from ticcoop.supervision.models import Target, TargetImport, TargetStatus
from ticcoop.uploads import csv_rows

COLUMNS = (
    "code",
    "name",
    "region",
    "entity_type",
    "risk_class",
    "size",
    "sector",
    "area",
    "related",
    "status",
)
BATCH_SIZE = 5000
MAX_ERRORS = 20
_LIMITS = {f.name: f.max_length for f in Target._meta.fields if getattr(f, "max_length", None)}
_STATUSES = frozenset(TargetStatus.values)
_RISK_CLASSES = frozenset("ABCD")
#: Columns written by the upsert, in parameter order.
_DB_COLUMNS = [c for c in COLUMNS if c != "region"] + ["region", "updated_at"]


class TargetImportError(ValidationError):
    """The import was rolled back; ``messages`` lists the rows at fault."""


def _allowed_regions(actor: Any) -> dict[str, int]:
    regions = dict(Region.objects.values_list("code", "pk"))
    if actor is None:  # the platform operator, from the command line
        return regions
    allowed = writable_region_ids(actor)
    if allowed == []:
        raise PermissionDenied(_("只有监管部门可以导入检查对象名录"))
    return {c: pk for c, pk in regions.items() if allowed is None or pk in allowed}


def _check_row(
    row: list[str], regions: dict[str, int], all_regions: set[str]
) -> tuple[dict[str, str], list[str]]:
    if len(row) != len(COLUMNS):
        return {}, [_("应有 %(n)d 列，实际 %(m)d 列") % {"n": len(COLUMNS), "m": len(row)}]
    values = dict(zip(COLUMNS, (v.strip() for v in row), strict=True))
    problems = []
    for field in ("code", "name", "entity_type"):
        if not values[field]:
            problems.append(_("%(f)s：不能为空") % {"f": field})
    for field, value in values.items():
        limit = _LIMITS.get("related" if field == "related" else field)
        if field != "region" and limit and len(value) > limit:
            problems.append(_("%(f)s：超过 %(n)d 个字符") % {"f": field, "n": limit})
    if values["region"] not in regions:
        reason = _("无权导入该地区") if values["region"] in all_regions else _("未知地区代码")
        problems.append(f"region：{reason} {values['region']!r}")
    values["risk_class"] = values["risk_class"] or "B"
    if values["risk_class"] not in _RISK_CLASSES:
        problems.append(_("risk_class：应为 A、B、C、D 之一"))
    values["status"] = values["status"] or TargetStatus.ACTIVE
    if values["status"] not in _STATUSES:
        problems.append(_("status：应为 active 或 closed"))
    return values, problems


def _lines(stream: Iterable[str], digest: Any) -> Iterator[str]:
    for index, line in enumerate(stream):
        digest.update(line.encode("utf-8"))
        yield line.removeprefix("\ufeff") if index == 0 else line


def import_targets(
    actor: Any,
    stream: Iterable[str],
    *,
    file_name: str,
    advance: Callable[[int], None] = lambda n: None,
) -> TargetImport:
    """Import target rows from ``stream`` (text lines); all or nothing."""
    regions = _allowed_regions(actor)
    all_regions = set(Region.objects.values_list("code", flat=True))
    institution_codes = set(Institution.objects.values_list("credit_code", flat=True))
    digest = hashlib.sha256()
    reader = csv_rows(_lines(stream, digest))  # a refused row: ValidationError naming its line
    errors: list[str] = []
    seen: dict[str, int] = {}
    with transaction.atomic():
        header = [h.strip() for h in next(reader, [])]
        if header != list(COLUMNS):
            raise TargetImportError([_("第 1 行：表头应为 %(h)s") % {"h": ",".join(COLUMNS)}])
        pending: list[tuple[str | int | datetime, ...]] = []
        now = timezone.now()
        count = 0
        for row in reader:
            line = reader.line_num
            values, problems = _check_row(row, regions, all_regions)
            code = values.get("code", "")
            if code and code in seen:
                problems.append(_("code：%(c)s 与第 %(l)d 行重复") % {"c": code, "l": seen[code]})
            elif code in institution_codes:
                problems.append(_("code：%(c)s 是已登记的检验检测机构") % {"c": code})
            if problems:
                errors.extend(f"第 {line} 行 {p}" for p in problems)
                if len(errors) >= MAX_ERRORS:
                    break
                continue
            seen[code] = line
            if errors:
                continue
            region = regions[values.pop("region")]
            pending.append((*values.values(), region, now))
            if len(pending) == BATCH_SIZE:
                count += _flush(pending, advance, actor, file_name)
        if errors:
            raise TargetImportError(errors[:MAX_ERRORS])
        count += _flush(pending, advance, actor, file_name)
        record = TargetImport.objects.create(
            imported_by=actor, file_name=file_name[:256], sha256=digest.hexdigest(), rows=count
        )
    return record


def _upsert_sql() -> str:
    """``INSERT … ON CONFLICT (code) DO UPDATE`` (same syntax on SQLite ≥ 3.24 and PostgreSQL).

    One executemany per batch instead of the ORM's bulk_create, which SQLite splits into
    statements of at most 999 parameters (≈ 90 rows here) and which builds a model per row.
    """
    meta = Target._meta
    fields = {field.name: field.column for field in meta.concrete_fields}
    columns = [str(fields[name]) for name in _DB_COLUMNS]
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns if c != "code")
    placeholders = ", ".join(["%s"] * len(columns))
    # Identifiers come from the model's metadata; every value is a query parameter.
    insert = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({placeholders}) "  # noqa: S608
    return insert + f"ON CONFLICT ({quote('code')}) DO UPDATE SET {updates}"


Row = tuple[str | int | datetime, ...]


def _flush(pending: list[Row], advance: Callable[[int], None], actor: Any, file_name: str) -> int:
    count = len(pending)
    if count:
        stored = _stored(pending)
        with connection.cursor() as cursor:
            cursor.executemany(_upsert_sql(), pending)
        _audit(pending, stored, actor, file_name)
        advance(count)
    pending.clear()
    return count


def _stored(pending: list[Row]) -> dict[str, dict[str, Any]]:
    """The stored values of the batch's codes before the upsert, for the audit entries."""
    targets = Target.objects.filter(code__in=[row[0] for row in pending])
    return {values["code"]: values for values in targets.values("pk", *_DB_COLUMNS[:-1])}


def _audit(pending: list[Row], stored: dict[str, dict[str, Any]], actor: Any, name: str) -> None:
    """One audit entry per new or changed target; a row identical to the stored one has none."""
    rows: list[RowChange] = []
    new: dict[str, dict[str, tuple[Any, Any]]] = {}
    for row in pending:
        values = dict(zip(_DB_COLUMNS[:-1], row, strict=False))
        code, old = str(values["code"]), stored.get(str(values["code"]))
        if old is None:
            new[code] = {field: (None, value) for field, value in values.items()}
            continue
        diff = {f: (old[f], value) for f, value in values.items() if old[f] != value}
        if diff:
            rows.append(RowChange(old["pk"], f"{code} {values['name']}", diff))
    if new:
        created = Target.objects.filter(code__in=list(new)).values_list("code", "pk", "name")
        rows.extend(RowChange(pk, f"{code} {n}", new[code], True) for code, pk, n in created)
    log_rows(actor, Target, rows, {"import": "targets", "file": name[:256]})
