"""The z-score chart of a participant's private letter, in ReportLab's own vector graphics.

One horizontal strip per measurand from z = −4 to 4: the band |z| ≤ 2 (satisfactory) and
2 < |z| < 3 (questionable) shaded, the limits ±2 and ±3 drawn, every participant's score as a
small grey tick and this participant's score as a red diamond with its printed value
(ISO 13528:2022 clause 10.2 "plots of z scores"; scores beyond ±4 sit on the edge, their value
printed). No matplotlib: a round of 1,000 participants has 1,000 letters.

Cost: the strip's backdrop (shading, limits, the grey ticks of all participants) is the same
in every letter of a round, so ``Backdrop`` draws it once per measurand with
``reportlab.graphics`` shapes and keeps the PDF path operators it produced (paths and colours
only, no text, so no font resource of another document is referred to); each letter appends
those operators and draws only its own marker and labels. Ticks closer than one point merge
into one filled run, so a strip has at most a few dozen rectangles whatever the participants.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from ticcoop.pdfs import FONT

Z_MIN, Z_MAX = -4.0, 4.0
LIMITS = (-3.0, -2.0, 2.0, 3.0)
NAME_W = 34 * mm
PLOT_W = 110 * mm
VALUE_W = 26 * mm
STRIP_H = 4.6 * mm
BAR_H = 3.2 * mm
HEAD_H = 7 * mm
AXIS_H = 5 * mm
TICK_W = 0.6
SATISFACTORY = colors.HexColor("#dcefdc")
QUESTIONABLE = colors.HexColor("#fbeccb")
UNSATISFACTORY = colors.HexColor("#f6d5d5")
TICK = colors.HexColor("#8c8c8c")
OWN = colors.HexColor("#c0392b")
# the renderer's initial font state: refers to a font resource of the scratch canvas
FONT_STATE = re.compile(r"^BT /F\d+ [\d.]+ Tf [\d.]+ TL ET$")


def strip_x(z: float, width: float = PLOT_W) -> float:
    """Where ``z`` sits on a strip ``width`` wide (−4 at 0, 4 at ``width``; clipped)."""
    z = min(max(z, Z_MIN), Z_MAX)
    return (z - Z_MIN) / (Z_MAX - Z_MIN) * width


def tick_runs(scores: Iterable[float | None], width: float = PLOT_W) -> list[tuple[int, int]]:
    """The occupied one-point columns of the strip as runs ``(first, last)``."""
    columns = sorted({round(strip_x(z, width)) for z in scores if z is not None and math.isfinite(z)})
    runs: list[tuple[int, int]] = []
    for c in columns:
        if runs and c == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    return runs


def backdrop_drawing(scores: Iterable[float | None]) -> Drawing:
    """The part of a strip common to all letters: zones, limits, everybody's ticks."""
    d = Drawing(PLOT_W, STRIP_H)
    y0 = (STRIP_H - BAR_H) / 2
    for lo, hi, fill in (
        (Z_MIN, Z_MAX, UNSATISFACTORY),
        (-3.0, 3.0, QUESTIONABLE),
        (-2.0, 2.0, SATISFACTORY),
    ):
        x = strip_x(lo)
        d.add(Rect(x, y0, strip_x(hi) - x, BAR_H, fillColor=fill, strokeColor=None))
    for limit in LIMITS:
        x = strip_x(limit)
        d.add(Line(x, y0, x, y0 + BAR_H, strokeColor=colors.grey, strokeWidth=0.4))
    x = strip_x(0.0)
    d.add(Line(x, y0, x, y0 + BAR_H, strokeColor=colors.grey, strokeWidth=0.2))
    for first, last in tick_runs(scores):
        d.add(
            Rect(
                first - TICK_W / 2,
                y0 + BAR_H * 0.2,
                last - first + TICK_W,
                BAR_H * 0.6,
                fillColor=TICK,
                strokeColor=None,
            )
        )
    return d


@dataclass(frozen=True)
class Backdrop:
    """One measurand's strip backdrop as PDF operators, made once for all letters."""

    operators: str

    @classmethod
    def of(cls, scores: Iterable[float | None]) -> Backdrop:
        canvas = Canvas(io.BytesIO())
        start = len(canvas._code)
        renderPDF.draw(backdrop_drawing(scores), canvas, 0, 0)
        code = [op for op in canvas._code[start:] if not FONT_STATE.match(op)]
        return cls("\n".join(code))


@dataclass(frozen=True)
class Mark:
    """One strip of one letter: the measurand, this participant's score (None: no result)."""

    name: str
    score_name: str
    z: float | None
    printed: str
    backdrop: Backdrop


def _diamond(x: float, y: float, r: float = 1.9 * mm / 2) -> Polygon:
    return Polygon(
        [x, y - r, x + r, y, x, y + r, x - r, y],
        fillColor=OWN,
        strokeColor=colors.white,
        strokeWidth=0.4,
    )


def own_drawing(marks: Sequence[Mark]) -> Drawing:
    """What differs per letter: legend, names, this participant's diamonds and values."""
    height = HEAD_H + len(marks) * STRIP_H + AXIS_H
    d = Drawing(NAME_W + PLOT_W + VALUE_W, height)
    top = height - HEAD_H
    legend_y = top + 2 * mm
    d.add(_diamond(NAME_W + 2 * mm, legend_y + 1 * mm))
    d.add(String(NAME_W + 4 * mm, legend_y, _("本实验室"), fontName=FONT, fontSize=7))
    d.add(Rect(NAME_W + 22 * mm, legend_y, TICK_W, 2.2 * mm, fillColor=TICK, strokeColor=None))
    d.add(String(NAME_W + 24 * mm, legend_y, _("其他参加者"), fontName=FONT, fontSize=7))
    d.add(String(0, legend_y, _("z 值图"), fontName=FONT, fontSize=8))
    for i, mark in enumerate(marks):
        y = top - (i + 1) * STRIP_H
        d.add(String(0, y + 1.3 * mm, mark.name[:14], fontName=FONT, fontSize=7))
        label = f"{mark.score_name}={mark.printed}" if mark.z is not None else "—"
        d.add(String(NAME_W + PLOT_W + 2 * mm, y + 1.3 * mm, label, fontName=FONT, fontSize=7))
        if mark.z is not None and math.isfinite(mark.z):
            d.add(_diamond(NAME_W + strip_x(mark.z), y + STRIP_H / 2))
    for z in (-4, -3, -2, 0, 2, 3, 4):
        d.add(
            String(
                NAME_W + strip_x(z),
                AXIS_H - 3 * mm,
                str(z),
                fontName=FONT,
                fontSize=6,
                textAnchor="middle",
            )
        )
    return d


class LetterChart(Flowable):
    """The strips of one letter: the shared backdrops appended, the own part drawn."""

    def __init__(self, marks: Sequence[Mark]) -> None:
        super().__init__()
        self.marks = list(marks)
        self.drawing = own_drawing(self.marks)
        self.width, self.height = self.drawing.width, self.drawing.height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        top = self.height - HEAD_H
        for i, mark in enumerate(self.marks):
            canvas.saveState()
            canvas.translate(NAME_W, top - (i + 1) * STRIP_H)
            canvas._code.append(mark.backdrop.operators)
            canvas.restoreState()
        renderPDF.draw(self.drawing, canvas, 0, 0)
