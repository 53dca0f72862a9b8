"""Bulk import of the target directory (检查对象名录库) from CSV: atomic, precise row errors.

Columns (UTF-8, header required, BOM allowed): ``code,name,region,entity_type,risk_class,
size,sector,area,related,status``.  ``region`` is the 2-digit region code, ``risk_class``
A–D (blank = B), ``status`` ``active`` or ``closed`` (blank = active), ``related`` the
semicolon-separated codes of related entities (for recusal).  An existing code is updated.
Rows are validated and upserted in batches inside one transaction; any error rolls back
everything and reports up to ``MAX_ERRORS`` rows with line number, field and reason.

Speed (issue 17, 1M rows): a valid row takes a fast path of C-level checks and becomes the
parameter tuple directly; only a row that fails them goes through ``_check_row``, which names
every problem.  SQLite gets one ``executemany`` per batch with a large page cache for the
import (the default 2 MiB cache spills to the WAL again and again inside one big
transaction); PostgreSQL gets ``COPY`` (psycopg 3) into a temporary table and one upsert.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from operator import gt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import writable_region_ids
from ticcoop.audit.services import RowChange, log_batch, log_rows
from ticcoop.digesting import RecordDigest
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
_LIMITS: dict[str, int] = {
    f.name: f.max_length for f in Target._meta.fields if f.max_length is not None
}
_STATUSES = frozenset(TargetStatus.values)
_RISK_CLASSES = frozenset("ABCD")
#: Columns written by the upsert, in parameter order.
_DB_COLUMNS = [c for c in COLUMNS if c != "region"] + ["region", "updated_at"]
#: The columns an audit entry lists (``region`` as the region's id), in parameter order.
_AUDITED = tuple(_DB_COLUMNS[:-1])
#: Per-column length limits in CSV order (region has none), for the fast path.
_ROW_LIMITS = tuple(_LIMITS.get(c, 1 << 30) if c != "region" else 1 << 30 for c in COLUMNS)
_BLANK_OR_RISK = _RISK_CLASSES | {""}
_BLANK_OR_STATUS = _STATUSES | {""}
#: SQLite settings for the duration of an import, restored afterwards: a 128 MiB page cache
#: (measured in bench/bench_supervision.py).  ``temp_store`` cannot change inside a
#: transaction, and the import runs inside the caller's transaction, so it is left alone.
BULK_PRAGMAS = {"cache_size": -131072}
_STAGE = "ticcoop_target_stage"

Row = tuple[str | int, ...]


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
    lines = iter(stream)
    first = next(lines, None)
    if first is None:
        return
    update = digest.update
    update(first.encode("utf-8"))
    yield first.removeprefix("\ufeff")
    for line in lines:
        update(line.encode("utf-8"))
        yield line


def _fast_row(row: list[str], regions: dict[str, int], now: str) -> Row | None:
    """The parameter tuple of a valid row, or None to let ``_check_row`` say what is wrong."""
    if len(row) != len(COLUMNS):
        return None
    values = list(map(str.strip, row))
    code, name, region, entity_type, risk, size, sector, area, related, status = values
    if (
        not (code and name and entity_type)
        or region not in regions
        or risk not in _BLANK_OR_RISK
        or status not in _BLANK_OR_STATUS
        or any(map(gt, map(len, values), _ROW_LIMITS))
    ):
        return None
    risk, status = risk or "B", status or TargetStatus.ACTIVE
    return (
        code,
        name,
        entity_type,
        risk,
        size,
        sector,
        area,
        related,
        status,
        regions[region],
        now,
    )


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
    digest = RecordDigest()
    reader = csv_rows(_lines(stream, digest))  # a refused row: ValidationError naming its line
    errors: list[str] = []
    seen: dict[str, int] = {}
    with transaction.atomic(), _bulk_writer(advance, actor, file_name) as write:
        header = [h.strip() for h in next(reader, [])]
        if header != list(COLUMNS):
            raise TargetImportError([_("第 1 行：表头应为 %(h)s") % {"h": ",".join(COLUMNS)}])
        # Adapted once: the same value for every row, so no per-row datetime conversion.
        now = str(connection.ops.adapt_datetimefield_value(timezone.now()))
        pending: list[Row] = []
        for row in reader:
            values = _fast_row(row, regions, now)
            code = str(values[0]) if values else ""
            if values and code not in seen and code not in institution_codes:
                seen[code] = reader.line_num
                if not errors:
                    pending.append(values)
                    if len(pending) == BATCH_SIZE:
                        write(pending)
                continue
            # Slow path, rare: say precisely what is wrong with this row.
            line = reader.line_num
            checked, problems = _check_row(row, regions, all_regions)
            code = str(checked.get("code", ""))
            if code and code in seen:
                problems.append(_("code：%(c)s 与第 %(l)d 行重复") % {"c": code, "l": seen[code]})
            elif code in institution_codes:
                problems.append(_("code：%(c)s 是已登记的检验检测机构") % {"c": code})
            if not problems:  # unreachable unless the two checks disagree: fail loudly
                raise AssertionError(f"line {line}: rejected by the fast path only")
            errors.extend(f"第 {line} 行 {p}" for p in problems)
            if len(errors) >= MAX_ERRORS:
                break
        if errors:
            raise TargetImportError(errors[:MAX_ERRORS])
        write(pending)
        count = write.count
        record = TargetImport.objects.create(
            imported_by=actor, file_name=file_name[:256], sha256=digest.written(), rows=count
        )
    return record


def _columns() -> tuple[str, list[str]]:
    """The quoted table name and quoted columns in parameter order (from the model)."""
    meta = Target._meta
    fields = {field.name: field.column for field in meta.concrete_fields}
    quote = connection.ops.quote_name
    return quote(meta.db_table), [quote(str(fields[name])) for name in _DB_COLUMNS]


def _upsert_sql(source: str | None = None, *, upsert: bool = True) -> str:
    """``INSERT … ON CONFLICT (code) DO UPDATE`` (same syntax on SQLite ≥ 3.24 and PostgreSQL),
    or the plain ``INSERT`` when not ``upsert``.

    With ``source`` the rows come from that table (PostgreSQL's COPY stage), otherwise they
    are parameters: one executemany per batch instead of the ORM's bulk_create, which SQLite
    splits into statements of at most 999 parameters (≈ 90 rows here) and which builds a
    model per row.
    """
    table, columns = _columns()
    names = ", ".join(columns)
    quote = connection.ops.quote_name
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != quote("code"))
    # Identifiers come from the model's metadata; every value is a query parameter.
    if source is None:
        rows = f"VALUES ({', '.join(['%s'] * len(columns))})"
    else:  # WHERE true: PostgreSQL's INSERT … SELECT … ON CONFLICT needs it to parse
        rows = f"SELECT {names} FROM {source} WHERE true"  # noqa: S608
    insert = f"INSERT INTO {table} ({names}) {rows} "
    if not upsert:
        return insert
    return insert + f"ON CONFLICT ({quote('code')}) DO UPDATE SET {updates}"


def _stored(pending: list[Row]) -> dict[str, tuple[Any, ...]]:
    """The stored pk and values (``_AUDITED`` order) of the batch's codes before the upsert.

    Plain SQL: the ORM's ``code__in`` prepares each of the 5,000 codes one by one (~12 s of a
    1M-row import under the profiler)."""
    table, columns = _columns()
    quote = connection.ops.quote_name
    selected = ", ".join([quote(str(Target._meta.pk.column)), *columns[: len(_AUDITED)]])
    marks = ", ".join(["%s"] * len(pending))
    # Identifiers come from the model's metadata; every code is a query parameter.
    sql = f"SELECT {selected} FROM {table} WHERE {quote('code')} IN ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [row[0] for row in pending])
        return {values[1]: values for values in cursor.fetchall()}


def _audit(
    pending: list[Row], stored: dict[str, tuple[Any, ...]], actor: Any, name: str, batch: int
) -> None:
    """New targets: one audit entry for the batch listing each with its values.  Changed
    targets: one entry each, ``{field: [old, new]}``, so that a target's own history answers
    who changed it.  An unchanged row gets none.  (docs/methods/audit-chain.md says why.)"""
    width = len(_AUDITED)
    created: list[Row] = []
    changed: list[RowChange] = []
    for row in pending:
        old = stored.get(str(row[0]))
        if old is None:
            created.append(row[:width])
        elif old[1:] != row[:width]:
            diff = {f: (a, b) for f, a, b in zip(_AUDITED, old[1:], row, strict=False) if a != b}
            changed.append(RowChange(old[0], f"{row[0]} {row[1]}", diff))
    data = {"import": "targets", "file": name[:256]}
    if created:
        label = _("名录导入 %(file)s 第 %(batch)d 批：新增 %(n)d 个检查对象") % {
            "file": name[:100],
            "batch": batch,
            "n": len(created),
        }
        changes = {"columns": list(_AUDITED), "created": created}
        log_batch(actor, Target, label, changes, created=True, additional_data=data)
    log_rows(actor, Target, changed, data)


class _Writer:
    """Writes batches of rows and counts them; ``pending`` is cleared after each batch."""

    def __init__(self, advance: Callable[[int], None], actor: Any, file_name: str) -> None:
        self.advance = advance
        self.actor = actor
        self.file_name = file_name
        self.count = 0
        self.batches = 0

    def __call__(self, pending: list[Row]) -> None:
        if pending:
            stored = _stored(pending)  # before the upsert, for the audit entries
            self.write(pending, stored)
            self.batches += 1
            _audit(pending, stored, self.actor, self.file_name, self.batches)
            self.count += len(pending)
            self.advance(len(pending))
            pending.clear()

    def write(self, pending: list[Row], stored: dict[str, tuple[Any, ...]]) -> None:
        # SQLite's upsert costs twice a plain insert (1M rows: 36 s against 18 s of CPU):
        # rows whose code is not stored take the plain INSERT.  The transaction holds the
        # write lock from the first batch on; a code another writer stored meanwhile fails
        # the whole import rather than being overwritten unseen.
        new = [row for row in pending if row[0] not in stored]
        with connection.cursor() as cursor:
            try:
                cursor.executemany(_upsert_sql(upsert=False), new)
            except IntegrityError as error:
                raise TargetImportError(
                    [_("导入期间另有写入相同的检查对象代码，已全部回滚，请重试")]
                ) from error
            if len(new) < len(pending):
                existing = [row for row in pending if row[0] in stored]
                cursor.executemany(_upsert_sql(), existing)


class _CopyWriter(_Writer):
    """PostgreSQL: ``COPY`` each batch into a temporary table, then one upsert from it (per
    batch, so that the batch's audit entries can name the rows it created)."""

    def write(self, pending: list[Row], stored: dict[str, tuple[Any, ...]]) -> None:
        _, columns = _columns()
        with connection.cursor() as cursor:
            # Django's wrapper has no copy(); the psycopg 3 cursor underneath does.
            sql = f"COPY {_STAGE} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in pending:
                    copy.write_row(row)
            cursor.execute(_upsert_sql(_STAGE))
            cursor.execute(f"TRUNCATE {_STAGE}")


@contextlib.contextmanager
def _bulk_writer(advance: Callable[[int], None], actor: Any, file_name: str) -> Iterator[_Writer]:
    """The writer for this database, with its bulk settings; call inside the transaction."""
    if connection.vendor == "postgresql":
        table, columns = _columns()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_STAGE}")
            stage = f"CREATE TEMPORARY TABLE {_STAGE} ON COMMIT DROP AS "
            cursor.execute(stage + f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA")  # noqa: S608
        yield _CopyWriter(advance, actor, file_name)
        with connection.cursor() as cursor:  # reached only when no error was raised
            cursor.execute(f"DROP TABLE {_STAGE}")
        return
    if connection.vendor != "sqlite":
        yield _Writer(advance, actor, file_name)
        return
    with connection.cursor() as cursor:
        before = {}
        for name, value in BULK_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield _Writer(advance, actor, file_name)
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {value}")
