"""A plain grid table drawn straight onto the canvas, for the long tables of PT reports.

ReportLab's ``Table`` measures, styles and splits every cell as an object: a round of
1,000 participants × 20 measurands has 160,000 result cells, and ``Table`` spent most of the
report's time on them (profile in the issue-17 note). ``GridTable`` has one fixed row
height and fixed column widths, so splitting is arithmetic and drawing is one text object
and one path per page (the text operators written directly, see ``draw``). Cells are plain
text (never markup): nothing a user typed is interpreted; text wider than its column is cut
to fit, so callers give enough width.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Flowable

from ticcoop.pdfs import FONT

PADDING = 2.5


@lru_cache(maxsize=65536)
def _encoded(value: str) -> str:
    """The PDF string operand of ``value`` in the CID font (UTF-16BE, escaped); the same
    figures and labels recur thousands of times in a large round."""
    return str(getFont(FONT).formatForPdf(value))


def _fit(value: str, width: float, size: float) -> str:
    """``value`` cut (with …) to ``width`` points. No glyph of the font is wider than one
    em, so a short value is not measured at all."""
    if len(value) * size <= width or stringWidth(value, FONT, size) <= width:
        return value
    while value and stringWidth(value + "…", FONT, size) > width:
        value = value[:-1]
    return value + "…"


class GridTable(Flowable):
    """Header + rows of strings; splits between rows and repeats the header on each part."""

    def __init__(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        *,
        size: float = 8,
        row_height: float = 11.5,
    ) -> None:
        super().__init__()
        self.header = [str(h) for h in header]
        self.rows = rows
        self.widths = list(widths)
        self.size = size
        self.row_height = row_height
        self.width = sum(self.widths)
        self.height = row_height * (len(rows) + 1)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        fits = int(avail_height // self.row_height) - 1  # one row is the header
        if fits < 1 or fits >= len(self.rows):
            return [] if fits < 1 else [self]
        return [
            GridTable(self.header, self.rows[:fits], self.widths, size=self.size),
            GridTable(self.header, self.rows[fits:], self.widths, size=self.size),
        ]

    def draw(self) -> None:
        canvas, h, n = self.canv, self.row_height, len(self.rows) + 1
        total = h * n
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#eeeeee"))
        canvas.rect(0, total - h, self.width, h, stroke=0, fill=1)
        canvas.setStrokeColor(colors.grey)
        canvas.setLineWidth(0.3)
        path = canvas.beginPath()
        for i in range(n + 1):
            path.moveTo(0, i * h)
            path.lineTo(self.width, i * h)
        x = 0.0
        for w in [0.0, *self.widths]:
            x += w
            path.moveTo(x, 0)
            path.lineTo(x, total)
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.setFillColor(colors.black)
        canvas.setFont(FONT, self.size)  # registers the font with the document
        # One text object whose cells are placed with Tm: the same operators ReportLab's
        # textOut writes for this (non-subsetted CID) font, without its per-call overhead.
        name = canvas._doc.getInternalFontName(FONT)
        ops = ["BT", f"{name} {self.size:g} Tf"]
        baseline = (h - self.size) / 2 + self.size * 0.2
        for r, row in enumerate([self.header, *self.rows]):
            y = total - (r + 1) * h + baseline
            x = PADDING
            for value, w in zip(row, self.widths, strict=True):
                cell = "" if value is None else str(value)
                if cell:
                    cell = _fit(cell, w - 2 * PADDING, self.size)
                    ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm ({_encoded(cell)}) Tj")
                x += w
        ops.append("ET")
        canvas._code.append("\n".join(ops))
        canvas.restoreState()
