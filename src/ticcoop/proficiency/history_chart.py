"""Inline SVG Shewhart-type chart of one lab's z-scores across rounds (ISO 13528 clause 10).

Server-rendered, no script and no style attribute (the pages run under a strict CSP); the
page shows the same numbers in a table next to it. Limits: ±2 (questionable) dashed, ±3
(unsatisfactory) solid; points beyond the plotted range are drawn on its edge.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 520, 200
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 10, 24
LIMIT = 4.0  # plotted z range is ±LIMIT, widened to the largest |z| (at most ±8)
POINT = {"ok": "#2e7d32", "warn": "#f9a825", "bad": "#c62828"}


def _colour(z: float) -> str:
    size = abs(z)
    return POINT["bad"] if size >= 3 else POINT["warn"] if size > 2 else POINT["ok"]


def z_chart(title: str, labels: Sequence[str], z: Sequence[float]) -> SafeString:
    """One polyline of z in round order with the ±2 and ±3 limits; ``labels`` name the rounds."""
    span = min(8.0, max([LIMIT, *(abs(v) + 0.5 for v in z)]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(z) - 1, 1)

    def y(v: float) -> float:
        v = max(-span, min(span, v))
        return round(TOP + plot_h * (span - v) / (2 * span), 1)

    def x(i: int) -> float:
        return round(LEFT + (i * step if len(z) > 1 else plot_w / 2), 1)

    body = []
    for level, dash, colour in ((0, "", "#555"), (2, "4 3", "#f9a825"), (3, "", "#c62828")):
        for limit in sorted({float(level), float(-level)}):
            extra = f' stroke-dasharray="{dash}"' if dash else ""
            body.append(
                f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(limit)}" y2="{y(limit)}" '
                f'stroke="{colour}" stroke-width="1"{extra}/>'
                f'<text x="{LEFT - 4}" y="{y(limit) + 4}" text-anchor="end" font-size="11">'
                f"{limit:g}</text>"
            )
    if len(z) > 1:
        points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(z))
        body.append(
            f'<polyline points="{points}" fill="none" stroke="#1565c0" stroke-width="1.5"/>'
        )
    for i, v in enumerate(z):
        tip = escape(f"{labels[i]}: z = {v:.2f}")
        body.append(
            f'<circle cx="{x(i)}" cy="{y(v)}" r="4" fill="{_colour(v)}">'
            f"<title>{tip}</title></circle>"
            f'<text x="{x(i)}" y="{HEIGHT - 6}" text-anchor="middle" font-size="11">{i + 1}</text>'
        )
    text = escape(_("%(title)s：各轮 z 值") % {"title": title})
    return mark_safe(  # noqa: S308 - every text node above is escaped
        f'<svg class="chart" role="img" aria-label="{text}" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{text}</title>" + "".join(body) + "</svg>"
    )
