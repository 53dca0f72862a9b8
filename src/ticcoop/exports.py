"""The one writer of CSV and XLSX files that leave the platform (registry export, open data,
dashboard tables): every cell passes through :func:`neutralise`.

The rule (OWASP "CSV Injection"): a spreadsheet runs a cell as a formula when its text starts
with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, a tab or carriage return before
one of them).  A **text** value starting with one of those characters is therefore written
with a leading apostrophe (``'=HYPERLINK(…)``): the spreadsheet shows it as text, a reader
sees the value.  **Numbers** (``int``, ``float``, ``Decimal`` from the database) are written
as they are — ``-1.5`` is a number, not an injection — and so stay numeric.  In XLSX every
text cell is stored as a string cell, never as a formula, and carries the
same apostrophe so that a copy pasted elsewhere, or a CSV saved from it, stays inert.

The registry import reads its own exports back (round trip), so :func:`restore` drops the
apostrophe again in front of one of those characters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

Row = Sequence[Any]


def neutralise(value: Any) -> Any:
    """``value`` as a cell: None → "", numbers unchanged, text that a spreadsheet would run as
    a formula prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(TRIGGERS):
        return QUOTE + text
    return text


def restore(text: str) -> str:
    """The value that :func:`neutralise` wrote as ``text`` (for reading our own files back)."""
    if text.startswith(QUOTE) and text[1:].startswith(TRIGGERS):
        return text[1:]
    return text


def csv_bytes(header: Row, rows: Iterable[Row], *, bom: bool = False) -> bytes:
    """RFC 4180 (CRLF) UTF-8; with ``bom`` for files meant for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(value) for value in header])
    writer.writerows([neutralise(value) for value in row] for row in rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Iterable[tuple[str, Row, Iterable[Row]]]) -> bytes:
    """A workbook with one sheet per (title, header, rows); text is never a formula."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append([_cell(sheet, value) for value in header])
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet: Any, value: Any) -> WriteOnlyCell:
    value = neutralise(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl guesses a formula for text starting with "=": the type is set explicitly.
        cell.data_type = "s"
    return cell
