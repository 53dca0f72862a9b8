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
from functools import lru_cache

from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Path, Rect
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from ticcoop.pdfs import FONT
from ticcoop.proficiency.pdf_tables import _encoded, _fit

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
# the renderer's default line state, repeated before every shape; and long decimals
DEFAULT_STATE = frozenset({"1 w", "0 J", "0 j", "[] 0 d"})
LONG_DECIMAL = re.compile(r"(\d*\.\d{2})\d+")


def strip_x(z: float, width: float = PLOT_W) -> float:
    """Where ``z`` sits on a strip ``width`` wide (−4 at 0, 4 at ``width``; clipped)."""
    z = min(max(z, Z_MIN), Z_MAX)
    return (z - Z_MIN) / (Z_MAX - Z_MIN) * width


def tick_runs(scores: Iterable[float | None], width: float = PLOT_W) -> list[tuple[int, int]]:
    """The occupied one-point columns of the strip as runs ``(first, last)``."""
    columns = sorted(
        {round(strip_x(z, width)) for z in scores if z is not None and math.isfinite(z)}
    )
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
    limits = Path(strokeColor=colors.grey, strokeWidth=0.4, fillColor=None)
    for limit in (*LIMITS, 0.0):
        limits.moveTo(strip_x(limit), y0)
        limits.lineTo(strip_x(limit), y0 + BAR_H)
    d.add(limits)
    ticks = Path(fillColor=TICK, strokeColor=None)
    low, high = y0 + BAR_H * 0.2, y0 + BAR_H * 0.8
    for first, last in tick_runs(scores):
        left, right = first - TICK_W / 2, last + TICK_W / 2
        ticks.moveTo(left, low)
        ticks.lineTo(right, low)
        ticks.lineTo(right, high)
        ticks.lineTo(left, high)
        ticks.closePath()
    d.add(ticks)
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
        code = [
            op
            for op in canvas._code[start:]
            if op not in DEFAULT_STATE and not FONT_STATE.match(op)
        ]
        # a hundredth of a point is far below what a printer shows; every letter carries this
        return cls(LONG_DECIMAL.sub(r"\1", "\n".join(code)))


@dataclass(frozen=True)
class Mark:
    """One strip of one letter: the measurand, this participant's score (None: no result)."""

    name: str
    score_name: str
    z: float | None
    printed: str
    backdrop: Backdrop


def _diamond(x: float, y: float, r: float = 1.0 * mm) -> str:
    return (
        f"{x:.2f} {y - r:.2f} m {x + r:.2f} {y:.2f} l {x:.2f} {y + r:.2f} l {x - r:.2f} {y:.2f} l h"
    )


def _rgb(color: colors.Color) -> str:
    return f"{color.red:.3f} {color.green:.3f} {color.blue:.3f}"


@lru_cache(maxsize=64)
def _centred(value: str, size: float) -> float:
    return stringWidth(value, FONT, size) / 2


def marker_positions(marks: Sequence[Mark]) -> list[tuple[float, float] | None]:
    """The centre of each strip's diamond in the chart's own coordinates (None: no score)."""
    top = chart_height(len(marks)) - HEAD_H
    return [
        (NAME_W + strip_x(m.z), top - (i + 1) * STRIP_H + STRIP_H / 2)
        if m.z is not None and math.isfinite(m.z)
        else None
        for i, m in enumerate(marks)
    ]


def chart_height(strips: int) -> float:
    return HEAD_H + strips * STRIP_H + AXIS_H


class LetterChart(Flowable):
    """The strips of one letter. The shared backdrops are appended as made; this letter's
    diamonds and labels are one path and one text object (the operators ReportLab writes
    for them, as ``GridTable`` does), so a letter costs little more than its table."""

    def __init__(self, marks: Sequence[Mark]) -> None:
        super().__init__()
        self.marks = list(marks)
        self.width = NAME_W + PLOT_W + VALUE_W
        self.height = chart_height(len(self.marks))

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        top = self.height - HEAD_H
        legend_y = top + 2 * mm
        ops: list[str] = []
        for i, mark in enumerate(self.marks):
            y = top - (i + 1) * STRIP_H
            ops += [f"q 1 0 0 1 {NAME_W:.2f} {y:.2f} cm", mark.backdrop.operators, "Q"]
        ops.append(f"q {_rgb(TICK)} rg {NAME_W + 22 * mm:.2f} {legend_y:.2f} {TICK_W} 6.2 re f Q")
        diamonds = [_diamond(NAME_W + 2 * mm, legend_y + 1 * mm)]
        diamonds += [_diamond(x, y) for x, y in filter(None, marker_positions(self.marks))]
        ops += [f"q {_rgb(OWN)} rg 1 1 1 RG .4 w", *diamonds, "B Q"]
        canvas.setFont(FONT, 7)  # registers the font with the document
        font = canvas._doc.getInternalFontName(FONT)
        texts: list[tuple[float, float, float, str]] = [
            (0, legend_y, 8, _("z 值图")),
            (NAME_W + 4 * mm, legend_y, 7, _("本实验室")),
            (NAME_W + 24 * mm, legend_y, 7, _("其他参加者")),
        ]
        for i, mark in enumerate(self.marks):
            y = top - (i + 1) * STRIP_H + 1.3 * mm
            value = f"{mark.score_name}={mark.printed}" if mark.z is not None else "—"
            texts.append((0, y, 7, _fit(mark.name, NAME_W - 2 * mm, 7)))
            texts.append((NAME_W + PLOT_W + 2 * mm, y, 7, value))
        for z in ("-4", "-3", "-2", "0", "2", "3", "4"):
            x = NAME_W + strip_x(float(z)) - _centred(z, 6)
            texts.append((x, AXIS_H - 3 * mm, 6, z))
        ops += ["BT 0 g"]
        ops += [
            f"{font} {size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm ({_encoded(t)}) Tj"
            for x, y, size, t in texts
        ]
        ops.append("ET")
        canvas._code.append("\n".join(ops))
