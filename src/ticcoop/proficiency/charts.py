"""Charts of an evaluated measurand as PNG bytes (matplotlib, Agg canvas, no pyplot state).

Axis labels and legends are in the page language (``chart_text``) when the server has a CJK
font (Noto Sans CJK, WenQuanYi, Source Han …); without one they fall back to ASCII English,
so that a chart never shows empty boxes.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import get_language
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from collections.abc import Callable

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

COLOURS = {
    "satisfactory": "#2e7d32",
    "questionable": "#f9a825",
    "unsatisfactory": "#c62828",
    "not scored": "#9e9e9e",
}
MAX_LABELLED = 40  # participant codes on the x axis up to this many bars
TICK_SIZE = 9  # readable at the 480-pixel width the pages show the charts at
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)


@dataclass(frozen=True)
class ChartText:
    """The words drawn on a chart ({k}, {n}, {name} are filled in); ASCII English default."""

    result: str = "result"
    density: str = "density"
    kernel_density: str = "kernel density"
    band: str = "x_pt ± {k} sigma_pt"
    participants: str = "{n} participants, sorted"
    score: str = "{name} score"
    font: str | None = None

    def labelled(self, **style: Any) -> dict[str, Any]:
        return {**style, "fontfamily": self.font} if self.font else style


@cache
def cjk_font() -> str | None:
    """The first installed font family that can draw Chinese, or None."""
    from matplotlib import font_manager  # matplotlib and scipy load on the first chart, not
    # with the URLconf (every process that reverses a URL: ~1.8 s CPU, issue 17)

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    if not installed & set(CJK_FONTS):
        # matplotlib's font list is cached per user and may predate the font's installation.
        for path in font_manager.findSystemFonts():
            if any(
                hint in path.lower() for hint in ("cjk", "wqy", "sourcehan", "droidsansfallback")
            ):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def chart_text() -> ChartText:
    """Labels in the active language; English when Chinese is active but no CJK font exists."""
    font = cjk_font()
    if font is None and (get_language() or "").startswith("zh"):
        return ChartText()
    return ChartText(
        result=_("结果"),
        density=_("概率密度"),
        kernel_density=_("核密度估计"),
        band=_("x_pt ± {k} σ_pt"),
        participants=_("{n} 个参加者（按得分排序）"),
        score=_("{name} 值"),
        font=font,
    )


KINDS = ("histogram", "z", "zeta-en")


@dataclass(frozen=True)
class ChartData:
    """What the charts of one measurand need (taken from a stored evaluation)."""

    unit: str
    x_pt: float
    sigma_pt: float
    z_used: str
    values: list[float]  # scored (not censored) results
    codes: list[str]
    z: list[float | None]
    performance: list[str]
    zeta: list[float | None]
    en: list[float | None]

    @classmethod
    def from_evaluation(cls, inputs: dict[str, Any], outputs: dict[str, Any]) -> ChartData:
        rows = outputs["rows"]
        key = "z" if outputs["z_used"] == "z" else "z_prime"
        return cls(
            unit=inputs["unit"],
            x_pt=outputs["x_pt"],
            sigma_pt=outputs["sigma_pt"],
            z_used=outputs["z_used"],
            values=[v for v, c in zip(inputs["values"], inputs["censor"], strict=True) if not c],
            codes=[r["code"] for r in rows],
            z=[r[key] for r in rows],
            performance=[r["performance"] for r in rows],
            zeta=[r["zeta"] for r in rows],
            en=[r["en"] for r in rows],
        )


def _ascii(text: str) -> str:
    return text if text.isascii() else ""


def draw_histogram(ax: Axes, data: ChartData, text: ChartText = ChartText()) -> None:
    """Histogram with kernel density, x_pt and x_pt ± 2σ_pt, ± 3σ_pt."""
    values = np.asarray(data.values, dtype=float)
    if values.size:
        bins = int(min(60, max(8, math.sqrt(values.size) * 2)))
        ax.hist(values, bins=bins, density=True, color="#90caf9", edgecolor="#1565c0", lw=0.5)
        if values.size >= 3 and np.ptp(values) > 0:
            from scipy.stats import gaussian_kde

            lo = min(values.min(), data.x_pt - 3.5 * data.sigma_pt)
            hi = max(values.max(), data.x_pt + 3.5 * data.sigma_pt)
            grid = np.linspace(lo, hi, 256)
            ax.plot(
                grid, gaussian_kde(values)(grid), color="#0d47a1", lw=1.2, label=text.kernel_density
            )
    ax.axvline(data.x_pt, color="black", lw=1.2, label="x_pt")
    for k, style, colour in ((2, "--", "#f9a825"), (3, ":", "#c62828")):
        for sign in (-1, 1):
            ax.axvline(
                data.x_pt + sign * k * data.sigma_pt,
                color=colour,
                ls=style,
                lw=1,
                label=text.band.format(k=k) if sign > 0 else None,
            )
    unit = data.unit if text.font else _ascii(data.unit)
    shown = (f"{text.result}（{unit}）" if text.font else f"{text.result} ({unit})") if unit else ""
    ax.set_xlabel(shown or text.result, **text.labelled())
    ax.set_ylabel(text.density, **text.labelled())
    ax.tick_params(labelsize=TICK_SIZE)
    legend = {"family": [text.font], "size": 8} if text.font else {"size": 8}
    ax.legend(prop=legend, loc="upper right")


def _sorted_bars(
    ax: Axes,
    codes: list[str],
    scores: list[float | None],
    colours: list[str],
    limits: tuple[float, ...],
    label: str,
    text: ChartText = ChartText(),
) -> None:
    rows = sorted(
        ((s, c, col) for s, c, col in zip(scores, codes, colours, strict=True) if s is not None),
        key=lambda r: r[0],
    )
    n = len(rows)
    positions = np.arange(n)
    heights = [r[0] for r in rows]
    if n <= 200:
        ax.bar(positions, heights, color=[r[2] for r in rows], width=0.8)
    else:  # thousands of bars: one LineCollection is far faster than Rectangle patches
        ax.vlines(positions, 0, heights, colors=[r[2] for r in rows], lw=0.8)
    for limit in limits:
        for sign in (-1, 1):
            ax.axhline(
                sign * limit,
                color="#c62828" if limit == max(limits) else "#f9a825",
                ls="--",
                lw=0.8,
            )
    ax.axhline(0, color="black", lw=0.6)
    if 0 < n <= MAX_LABELLED:
        ax.set_xticks(positions, [r[1] for r in rows], rotation=90, fontsize=7)
    else:
        ax.set_xticks([])
        ax.set_xlabel(text.participants.format(n=n), **text.labelled())
    ax.set_ylabel(label, **text.labelled())
    ax.tick_params(axis="y", labelsize=TICK_SIZE)


def draw_z(ax: Axes, data: ChartData, text: ChartText = ChartText()) -> None:
    colours = [COLOURS.get(p, "#9e9e9e") for p in data.performance]
    label = text.score.format(name=data.z_used)
    _sorted_bars(ax, data.codes, data.z, colours, (2.0, 3.0), label, text)


def _class_colours(scores: list[float | None], limit: float, hard: float) -> list[str]:
    """|s| ≤ limit satisfactory; < hard questionable; otherwise unsatisfactory."""
    return [
        COLOURS["not scored"]
        if s is None
        else COLOURS["satisfactory"]
        if abs(s) <= limit
        else COLOURS["questionable"]
        if abs(s) < hard
        else COLOURS["unsatisfactory"]
        for s in scores
    ]


def draw_zeta(ax: Axes, data: ChartData, text: ChartText = ChartText()) -> None:
    colours = _class_colours(data.zeta, 2.0, 3.0)
    label = text.score.format(name="ζ" if text.font else "zeta")
    _sorted_bars(ax, data.codes, data.zeta, colours, (2.0, 3.0), label, text)


def draw_en(ax: Axes, data: ChartData, text: ChartText = ChartText()) -> None:
    colours = _class_colours(data.en, 1.0, 1.0)
    _sorted_bars(ax, data.codes, data.en, colours, (1.0,), text.score.format(name="En"), text)


def _png(fig: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _figure(width: float, height: float, rows: int, labelled: bool) -> Figure:
    """Fixed margins (a constrained layout would draw every figure twice)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    bottom = 0.9 / height if labelled else 0.45 / height
    fig.subplots_adjust(
        left=0.1,
        right=0.98,
        top=1 - 0.15 / height,
        bottom=bottom,
        hspace=0.35 + (0.6 if labelled else 0.15) * rows / height * 2,
    )
    return fig


def chart_png(data: ChartData, kind: str, dpi: int = 96, text: ChartText = ChartText()) -> bytes:
    """One chart for the web: ``histogram``, ``z`` or ``zeta-en``."""
    labelled = 0 < len(data.codes) <= MAX_LABELLED and kind != "histogram"
    if kind == "zeta-en":
        fig = _figure(7, 5.6, 2, labelled)
        draw_zeta(fig.add_subplot(2, 1, 1), data, text)
        draw_en(fig.add_subplot(2, 1, 2), data, text)
        return _png(fig, dpi)
    fig = _figure(7, 3.6, 1, labelled)
    {"histogram": draw_histogram, "z": draw_z}[kind](fig.add_subplot(1, 1, 1), data, text)
    return _png(fig, dpi)


def stored_chart_png(key: str, data: Callable[[], ChartData], kind: str) -> bytes:
    """``chart_png`` rendered once per evaluation, kind and language and kept in the default
    storage (``pt-charts/``): an evaluation never changes, and rendering a chart costs
    seconds under load. ``key`` names the evaluation (its id and a digest of its outputs, so
    a database rebuilt with the same ids cannot serve an old chart); ``data`` is called only
    when the chart is not stored yet (building it from 1,000 participants costs more than
    serving the stored file)."""
    text = chart_text()
    font = "cjk" if text.font else "ascii"
    name = f"pt-charts/{key}-{kind}-{get_language() or 'zh-hans'}-{font}.png"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            return bytes(stored.read())
    body = chart_png(data(), kind, text=text)
    default_storage.save(name, ContentFile(body))
    return body


def report_image(data: ChartData, dpi: int = 110, text: ChartText = ChartText()) -> bytes:
    """All charts of a measurand in one JPEG (one figure per measurand keeps the PDF fast;
    ReportLab embeds JPEG as it is instead of re-encoding a PNG)."""
    fig = _figure(7.2, 9.4, 4, 0 < len(data.codes) <= MAX_LABELLED)
    draw_histogram(fig.add_subplot(4, 1, 1), data, text)
    draw_z(fig.add_subplot(4, 1, 2), data, text)
    draw_zeta(fig.add_subplot(4, 1, 3), data, text)
    draw_en(fig.add_subplot(4, 1, 4), data, text)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="jpeg", dpi=dpi, pil_kwargs={"quality": 88})
    return buffer.getvalue()


def evaluation_key(evaluation: Any) -> str:
    """Names the stored charts of an evaluation: its id and a digest of its outputs (a
    database rebuilt with the same ids cannot serve an old chart)."""
    body = json.dumps(evaluation.outputs, sort_keys=True).encode()
    return f"{evaluation.pk}-{hashlib.sha256(body).hexdigest()[:16]}"


def stored_report_image(evaluation: Any) -> bytes:
    """``report_image`` of a stored evaluation, rendered once and kept in the default storage
    (``pt-charts/``), so a corrected revision of the report does not draw its charts again."""
    text = chart_text()
    font = "cjk" if text.font else "ascii"
    name = f"pt-charts/{evaluation_key(evaluation)}-report-{font}.jpg"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            return bytes(stored.read())
    data = ChartData.from_evaluation(evaluation.inputs, evaluation.outputs)
    body = report_image(data, text=text)
    default_storage.save(name, ContentFile(body))
    return body
