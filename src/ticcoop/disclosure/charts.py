"""Server-rendered inline SVG bar charts (no JavaScript, no external files).

Each chart has a visible caption, a ``<title>`` and ``role="img"``; the pages show the same
figures in a table next to it, so screen readers and text browsers lose nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SPAN = 200  # length of the longest bar
VALUE_WIDTH = 56
ROW = 22
BAR = 15
CAPTION = 24
COLOURS = ("#2e7d32", "#f9a825", "#c62828", "#1565c0", "#6a1b9a")
BAR_COLOUR = "#b71c1c"


def _label_width(labels: Sequence[str]) -> int:
    return min(170, 13 * max([len(label) for label in labels] + [1]) + 8)


def _frame(title: str, width: int, height: int, body: list[str]) -> SafeString:
    text = escape(title)
    height += CAPTION
    return mark_safe(  # noqa: S308 - every text node below is escaped
        f'<svg class="chart" role="img" aria-label="{text}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title>{text}</title><text x="0" y="15" font-size="14" font-weight="bold">{text}</text>'
        f'<g transform="translate(0 {CAPTION})">' + "".join(body) + "</g></svg>"
    )


def _format(value: float | None, share: bool) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if share else f"{value:g}"


def _label(x: int, y: int, label: str) -> str:
    return (
        f'<text x="{x - 6}" y="{y + BAR - 3}" text-anchor="end" font-size="13">'
        f"{escape(label)}</text>"
    )


def bars(title: str, items: Sequence[tuple[str, float | None]], share: bool = False) -> SafeString:
    """Horizontal bars, one per (label, value); the longest bar is the largest value."""
    left = _label_width([label for label, _ in items])
    largest = 1.0 if share else max([v or 0 for _, v in items] + [0]) or 1
    body = []
    for row, (label, value) in enumerate(items):
        y = row * ROW
        length = round(SPAN * (value or 0) / largest, 1)
        shown = _format(value, share)
        body.append(
            _label(left, y, label) + f'<rect x="{left}" y="{y + 2}" width="{length}" '
            f'height="{BAR}" fill="{BAR_COLOUR}"><title>{escape(label)}: {shown}</title></rect>'
            f'<text x="{left + length + 4}" y="{y + BAR - 3}" font-size="12">{shown}</text>'
        )
    return _frame(title, left + SPAN + VALUE_WIDTH, max(len(items), 1) * ROW + 4, body)


def stacked(
    title: str,
    parts: Sequence[str],
    items: Sequence[tuple[str, Sequence[float | None]]],
    share: bool = False,
) -> SafeString:
    """One full-length bar per label split in proportion to its values, with a legend."""
    left = _label_width([label for label, _ in items])
    body = []
    for row, (label, values) in enumerate(items):
        y = row * ROW
        body.append(_label(left, y, label))
        total = sum(v or 0 for v in values)
        if not total:
            body.append(f'<text x="{left}" y="{y + BAR - 3}" font-size="12">—</text>')
            continue
        x = float(left)
        for index, value in enumerate(values):
            length = round(SPAN * (value or 0) / total, 1)
            tip = f"{escape(label)} {escape(parts[index])}: {_format(value, share)}"
            body.append(
                f'<rect x="{x}" y="{y + 2}" width="{length}" height="{BAR}" '
                f'fill="{COLOURS[index % len(COLOURS)]}"><title>{tip}</title></rect>'
            )
            x += length
    legend_y, x, lines = len(items) * ROW + 6, 0, 0
    for index, part in enumerate(parts):
        step = 16 + 13 * len(part) + 12
        if x + step > left + SPAN + VALUE_WIDTH:
            x, lines = 0, lines + 1
        y = legend_y + lines * 18
        body.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" '
            f'fill="{COLOURS[index % len(COLOURS)]}"/>'
            f'<text x="{x + 16}" y="{y + 11}" font-size="12">{escape(part)}</text>'
        )
        x += step
    return _frame(title, left + SPAN + VALUE_WIDTH, legend_y + (lines + 1) * 18 + 2, body)
