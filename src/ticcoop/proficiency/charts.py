"""Charts of an evaluated measurand as PNG bytes (matplotlib, Agg canvas, no pyplot state).

Labels are ASCII: no CJK font is assumed on the server; Chinese captions are added around the
images by the report and the pages.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scipy.stats import gaussian_kde

COLOURS = {
    "satisfactory": "#2e7d32",
    "questionable": "#f9a825",
    "unsatisfactory": "#c62828",
    "not scored": "#9e9e9e",
}
MAX_LABELLED = 40  # participant codes on the x axis up to this many bars
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


def draw_histogram(ax: Axes, data: ChartData) -> None:
    """Histogram with kernel density, x_pt and x_pt ± 2σ_pt, ± 3σ_pt."""
    values = np.asarray(data.values, dtype=float)
    if values.size:
        bins = int(min(60, max(8, math.sqrt(values.size) * 2)))
        ax.hist(values, bins=bins, density=True, color="#90caf9", edgecolor="#1565c0", lw=0.5)
        if values.size >= 3 and np.ptp(values) > 0:
            lo = min(values.min(), data.x_pt - 3.5 * data.sigma_pt)
            hi = max(values.max(), data.x_pt + 3.5 * data.sigma_pt)
            grid = np.linspace(lo, hi, 256)
            ax.plot(
                grid, gaussian_kde(values)(grid), color="#0d47a1", lw=1.2, label="kernel density"
            )
    ax.axvline(data.x_pt, color="black", lw=1.2, label="x_pt")
    for k, style, colour in ((2, "--", "#f9a825"), (3, ":", "#c62828")):
        for sign in (-1, 1):
            ax.axvline(
                data.x_pt + sign * k * data.sigma_pt,
                color=colour,
                ls=style,
                lw=1,
                label=f"x_pt ± {k} sigma_pt" if sign > 0 else None,
            )
    ax.set_xlabel(f"result ({_ascii(data.unit)})" if _ascii(data.unit) else "result")
    ax.set_ylabel("density")
    ax.legend(fontsize=7, loc="upper right")


def _sorted_bars(
    ax: Axes,
    codes: list[str],
    scores: list[float | None],
    colours: list[str],
    limits: tuple[float, ...],
    label: str,
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
        ax.set_xticks(positions, [r[1] for r in rows], rotation=90, fontsize=6)
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{n} participants, sorted")
    ax.set_ylabel(label)


def draw_z(ax: Axes, data: ChartData) -> None:
    colours = [COLOURS.get(p, "#9e9e9e") for p in data.performance]
    _sorted_bars(ax, data.codes, data.z, colours, (2.0, 3.0), f"{data.z_used} score")


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


def draw_zeta(ax: Axes, data: ChartData) -> None:
    _sorted_bars(ax, data.codes, data.zeta, _class_colours(data.zeta, 2.0, 3.0), (2.0, 3.0), "zeta")


def draw_en(ax: Axes, data: ChartData) -> None:
    _sorted_bars(ax, data.codes, data.en, _class_colours(data.en, 1.0, 1.0), (1.0,), "En")


def _png(fig: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _figure(width: float, height: float, rows: int, labelled: bool) -> Figure:
    """Fixed margins (a constrained layout would draw every figure twice)."""
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


def chart_png(data: ChartData, kind: str, dpi: int = 96) -> bytes:
    """One chart for the web: ``histogram``, ``z`` or ``zeta-en``."""
    labelled = 0 < len(data.codes) <= MAX_LABELLED and kind != "histogram"
    if kind == "zeta-en":
        fig = _figure(7, 5.6, 2, labelled)
        draw_zeta(fig.add_subplot(2, 1, 1), data)
        draw_en(fig.add_subplot(2, 1, 2), data)
        return _png(fig, dpi)
    fig = _figure(7, 3.6, 1, labelled)
    {"histogram": draw_histogram, "z": draw_z}[kind](fig.add_subplot(1, 1, 1), data)
    return _png(fig, dpi)


def report_image(data: ChartData, dpi: int = 110) -> bytes:
    """All charts of a measurand in one JPEG (one figure per measurand keeps the PDF fast;
    ReportLab embeds JPEG as it is instead of re-encoding a PNG)."""
    fig = _figure(7.2, 9.4, 4, 0 < len(data.codes) <= MAX_LABELLED)
    draw_histogram(fig.add_subplot(4, 1, 1), data)
    draw_z(fig.add_subplot(4, 1, 2), data)
    draw_zeta(fig.add_subplot(4, 1, 3), data)
    draw_en(fig.add_subplot(4, 1, 4), data)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="jpeg", dpi=dpi, pil_kwargs={"quality": 88})
    return buffer.getvalue()
