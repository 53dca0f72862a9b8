"""Spreadsheet formats of the registry: columns, reading and writing CSV and XLSX.

One XLSX workbook holds up to three sheets, 机构 / 证书 / 能力范围; a CSV file holds one of
them, recognised by its header row.  Row numbers are the spreadsheet's (header = row 1).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ticcoop import exports
from ticcoop.uploads import check_table, csv_rows

INSTITUTIONS, CERTIFICATES, SCOPES = "institutions", "certificates", "scopes"

#: kind → [(field, column title, required)]
COLUMNS: dict[str, list[tuple[str, str, bool]]] = {
    INSTITUTIONS: [
        ("credit_code", "统一社会信用代码", True),
        ("name", "机构名称", True),
        ("region", "地区代码", True),
        ("address", "地址", False),
        ("legal_representative", "法定代表人", False),
        ("contact_person", "联系人", False),
        ("contact_phone", "联系电话", False),
        ("status", "机构状态", False),
        ("risk_class", "信用风险分类", False),
    ],
    CERTIFICATES: [
        ("number", "证书编号", True),
        ("credit_code", "统一社会信用代码", True),
        ("issue_date", "发证日期", True),
        ("valid_from", "有效期起", False),
        ("expiry_date", "有效期至", False),
        ("status", "证书状态", False),
        ("status_reason", "状态原因", False),
    ],
    SCOPES: [
        ("number", "证书编号", True),
        ("category", "类别", True),
        ("product", "检测对象", True),
        ("parameter", "项目/参数", True),
        ("standard_code", "标准编号", True),
        ("clause", "条款", False),
        ("limits", "限制范围", False),
    ],
}
SHEETS = {INSTITUTIONS: "机构", CERTIFICATES: "证书", SCOPES: "能力范围"}
KIND_OF_SHEET = {title: kind for kind, title in SHEETS.items()}
ORDER = (INSTITUTIONS, CERTIFICATES, SCOPES)


def file_labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Choice labels as the files carry them: in Chinese, like the column titles, whatever
    the language of the page that exports them."""
    with translation.override(settings.LANGUAGE_CODE):
        return {str(key): str(label) for key, label in choices}


def choice_lookup(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Every way a file may spell a choice — its key, or its label in any language of the site
    (a file may come from an English page) — mapped to the key.  Built once per import: the
    labels are translated here, not for every row."""
    lookup: dict[str, str] = {}
    for key, label in choices:
        lookup.setdefault(str(key), str(key))
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                lookup.setdefault(str(label), str(key))
    return lookup


class FileProblem(ValueError):
    """The file as a whole cannot be read (format, encoding, headers)."""


@dataclass
class Table:
    kind: str
    label: str  # "工作表“证书”" or "" for a CSV file
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def title(self, name: str) -> str:
        return next(title for key, title, _required in COLUMNS[self.kind] if key == name)


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and name == "number":
        return f"{value:012d}"  # Excel drops leading zeros of numeric cells
    if isinstance(value, int) and name == "region":
        return f"{value:02d}"
    # A cell our export neutralised ('=…) reads back as the value it was (round trip).
    return exports.restore(str(value).strip())


def _kind_of(headers: Sequence[str]) -> str | None:
    present = set(headers)
    for kind in (SCOPES, CERTIFICATES, INSTITUTIONS):
        required = {title for _key, title, needed in COLUMNS[kind] if needed}
        if required <= present:
            return kind
    return None


def _table(kind: str | None, label: str, raw_rows: Iterable[Sequence[Any]]) -> Table:
    iterator = iter(raw_rows)
    where = label or _("文件")
    try:
        headers = [str(h).strip() if h is not None else "" for h in next(iterator)]
    except StopIteration:
        raise FileProblem(_("%(table)s是空的") % {"table": where}) from None
    headers[0] = headers[0].lstrip("\ufeff") if headers else ""
    kind = kind or _kind_of(headers)
    if kind is None:
        raise FileProblem(
            _("%(table)s第1行的列名无法识别：%(headers)s")
            % {"table": where, "headers": "、".join(h for h in headers if h)}
        )
    by_title = {title: key for key, title, _required in COLUMNS[kind]}
    missing = [t for _key, t, needed in COLUMNS[kind] if needed and t not in headers]
    if missing:
        raise FileProblem(
            _("%(table)s第1行缺少列：%(columns)s") % {"table": where, "columns": "、".join(missing)}
        )
    unknown = [h for h in headers if h and h not in by_title]
    if unknown:
        raise FileProblem(
            _("%(table)s第1行有无法识别的列：%(columns)s")
            % {"table": where, "columns": "、".join(unknown)}
        )
    table = Table(kind, label)
    for number, raw in enumerate(iterator, start=2):
        values = {
            by_title[h]: _text(v, by_title[h]) for h, v in zip(headers, raw, strict=False) if h
        }
        if any(values.values()):
            table.rows.append((number, values))
    return table


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(_("CSV 文件编码无法识别（应为 UTF-8 或 GB18030）"))


def read_tables(name: str, data: bytes) -> list[Table]:
    """Parse an uploaded file into tables, institutions first; raises FileProblem."""
    try:
        check_table(name, data)  # size, type by name and content, XLSX expansion
        if name.lower().endswith(".csv"):
            tables = [_table(None, "", list(csv_rows(_decode(data))))]
        else:
            tables = _xlsx_tables(data)
    except ValidationError as exc:
        raise FileProblem(" ".join(exc.messages)) from exc
    return sorted(tables, key=lambda t: ORDER.index(t.kind))


def _xlsx_tables(data: bytes) -> list[Table]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise FileProblem(_("无法读取 XLSX 文件：%(error)s") % {"error": exc}) from exc
    try:
        return [
            _table(
                KIND_OF_SHEET.get(sheet.title),
                _("工作表“%(sheet)s”") % {"sheet": sheet.title},
                sheet.iter_rows(values_only=True),
            )
            for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()


def headers(kind: str) -> list[str]:
    return [title for _key, title, _required in COLUMNS[kind]]


def write_csv(kind: str, rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 with BOM (opens correctly in Excel); cells neutralised by ticcoop.exports."""
    return exports.csv_bytes(headers(kind), rows, bom=True)


def write_xlsx(tables: dict[str, Iterable[Sequence[str]]]) -> bytes:
    """One sheet per kind; every cell is text (no lost leading zeros, no date guessing, no
    formulas: ticcoop.exports)."""
    return exports.xlsx_bytes(
        (SHEETS[kind], headers(kind), tables[kind]) for kind in ORDER if kind in tables
    )
