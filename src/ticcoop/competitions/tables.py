"""Reading uploaded score tables (CSV in UTF-8, or XLSX via openpyxl) into rows of text."""

from __future__ import annotations

import io
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ticcoop.uploads import check_table, csv_rows

MAX_ROWS = 5000


def read_table(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number as shown in the file, {header: cell text}) for every non-empty data row."""
    check_table(filename, data)  # size, type by name and content, XLSX expansion
    name = filename.lower()
    if name.endswith(".xlsx"):
        grid = _xlsx_rows(data)
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": _("CSV 文件必须为 UTF-8 编码")}) from exc
        grid = list(csv_rows(text))
    else:
        raise ValidationError({"file": _("只支持 .csv 或 .xlsx 文件")})
    if not grid:
        raise ValidationError({"file": _("文件为空")})
    if len(grid) > MAX_ROWS + 1:
        raise ValidationError({"file": _("文件行数超过 %(max)d 行") % {"max": MAX_ROWS}})
    header = [cell.strip() for cell in grid[0]]
    rows = []
    for number, cells in enumerate(grid[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(
            (
                number,
                {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)},
            )
        )
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ValidationError(
            {"file": _("无法读取 XLSX 文件：%(error)s") % {"error": exc}}
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
