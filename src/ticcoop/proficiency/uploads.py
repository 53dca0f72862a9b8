"""Reading result files (CSV in UTF-8/GB18030, or XLSX) into rows with their row numbers."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ticcoop.uploads import check_table, csv_rows

MAX_ROWS = 500
COLUMNS: dict[str, tuple[str, ...]] = {
    "measurand": ("测量项目", "项目", "measurand"),
    "result": ("结果", "报告值", "result", "value"),
    "expanded_u": ("扩展不确定度u", "扩展不确定度", "u"),
    "k": ("包含因子k", "包含因子", "k"),
    "method": ("检测方法", "方法", "method"),
}
LABELS = {"measurand": "测量项目", "result": "结果", "expanded_u": "U", "k": "k", "method": "方法"}
REQUIRED = ("measurand", "result")


@dataclass(frozen=True)
class RawRow:
    row: int  # 1-based line/row in the file (the header is row 1)
    cells: dict[str, str]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def find_columns(
    header: list[str], aliases: dict[str, tuple[str, ...]], required: list[str]
) -> tuple[dict[str, int], list[str]]:
    """Each column's index by its accepted names (blanks and case ignored, the first match
    kept) and the required columns that are missing."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = name.strip().replace(" ", "").casefold()
        for column, names in aliases.items():
            if key in names and column not in found:
                found[column] = index
    return found, [c for c in required if c not in found]


def _column_map(header: list[str]) -> dict[str, int]:
    found, missing = find_columns(header, COLUMNS, list(REQUIRED))
    if missing:
        raise ValidationError(
            _("第 1 行（表头）缺少列：%(cols)s；可用列名：测量项目、结果、U、k、方法")
            % {"cols": "、".join(LABELS[c] for c in missing)}
        )
    return found


def read_table(name: str, content: bytes) -> list[list[str]]:
    """A CSV (UTF-8 or GB18030) or XLSX file as rows of cell strings (header included)."""
    check_table(name, content)  # size, type by name and content, XLSX expansion
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ValidationError(_("无法读取 XLSX 文件：%(e)s") % {"e": exc}) from exc
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise ValidationError(_("CSV 文件编码无法识别（请用 UTF-8）"))
    return [[c.strip() for c in row] for row in csv_rows(text)]


def read_rows(name: str, content: bytes) -> list[RawRow]:
    """Rows of a results file as cells by column name; blank rows are skipped."""
    table = read_table(name, content)
    if not table:
        raise ValidationError(_("文件是空的"))
    columns = _column_map(table[0])
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(values):
            continue
        cells = {c: (values[i] if i < len(values) else "") for c, i in columns.items()}
        rows.append(RawRow(number, cells))
    if not rows:
        raise ValidationError(_("文件中没有结果行"))
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("一次最多上传 %(n)s 行") % {"n": MAX_ROWS})
    return rows
