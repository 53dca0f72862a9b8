"""监管数据: the public five-region comparison, the region page and the open-data files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ticcoop.disclosure import charts, dashboard, detail, opendata, queries, snapshots
from ticcoop.disclosure.dashboard import MAX_YEAR, MIN_YEAR, Dashboard, Table


@dataclass
class TableView:
    table: Table
    rows: list[tuple[str, list[str]]]  # (region name, formatted values)
    charts: list[SafeString]


def _format(value: int | float | None, kind: str) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if kind == "share" else str(value)


def _year(request: HttpRequest) -> int | None:
    """The ``year`` parameter; ValueError with the reason when it is not a plausible year."""
    raw = request.GET.get("year", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise ValueError(
            _("参数 year 应为 %(lo)s–%(hi)s 之间的四位年份，收到“%(raw)s”")
            % {"lo": MIN_YEAR, "hi": MAX_YEAR, "raw": raw[:20]}
        )
    return int(raw)


def _rows(board: Dashboard, table: Table) -> list[tuple[str, list[str]]]:
    return [
        (r.name_zh, [_format(table.values[r.code][c.key], c.kind) for c in table.columns])
        for r in board.regions
    ]


def _comparison(board: Dashboard, table: Table) -> TableView:
    """Charts across the regions: one per charted column, and the stacked distribution."""
    columns = {c.key: c for c in table.columns}
    drawn = [
        charts.bars(
            str(columns[key].label),
            [(r.short_name, table.values[r.code][key]) for r in board.regions],
            share=columns[key].kind == "share",
        )
        for key in table.chart
    ]
    if table.stacked:
        drawn.append(
            charts.stacked(
                str(table.stacked_title),
                [str(columns[key].label) for key in table.stacked],
                [
                    (r.short_name, [table.values[r.code][k] for k in table.stacked])
                    for r in board.regions
                ],
                share=columns[table.stacked[0]].kind == "share",
            )
        )
    return TableView(table, _rows(board, table), drawn)


def _single(board: Dashboard, table: Table) -> TableView:
    """One region: its counts side by side (the distribution stacked, as in the comparison)."""
    region = board.regions[0]
    values = table.values[region.code]
    columns = {c.key: c for c in table.columns}
    counts = [
        (str(c.label), values[c.key])
        for c in table.columns
        if c.kind == "count" and c.key not in table.stacked
    ]
    drawn = [charts.bars(str(table.title), counts)]
    if table.stacked:
        drawn.append(
            charts.stacked(
                str(table.stacked_title),
                [str(columns[key].label) for key in table.stacked],
                [(region.short_name, [values[k] for k in table.stacked])],
                share=columns[table.stacked[0]].kind == "share",
            )
        )
    return TableView(table, _rows(board, table), drawn)


def _bad_year(error: ValueError) -> HttpResponse:
    return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")


def overview(request: HttpRequest) -> HttpResponse:
    try:
        board = dashboard.build(_year(request))
    except ValueError as error:
        return _bad_year(error)
    context = {
        "board": board,
        "views": [_comparison(board, t) for t in board.tables],
        "region_page": queries.may_open_dashboard_region(request.user),
    }
    return render(request, "disclosure/dashboard.html", context)


@login_required
def region(request: HttpRequest) -> HttpResponse:
    chosen = queries.access_dashboard_region(request.user, request.GET.get("region", "").strip())
    try:
        board = dashboard.build(_year(request), only=[chosen])
    except ValueError as error:
        return _bad_year(error)
    context: dict[str, Any] = {
        "board": board,
        "region": chosen,
        "views": [_single(board, t) for t in board.tables],
        "lists": detail.region_lists(chosen, board.today),
        "choices": dashboard.regions() if queries.sees_every_region(request.user) else [],
    }
    return render(request, "disclosure/dashboard_region.html", context)


def data(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("json", "csv"):
        raise Http404(fmt)
    if not request.GET.get("year", "").strip():  # this year's files: the daily snapshot
        snapshot = snapshots.read(f"dashboard.{fmt}")
        if snapshot is not None:
            content, facts = snapshot
            if fmt == "json":
                return _snapshot_response(content, "application/json", facts)
            return _attachment(content, f"dashboard-{facts.get('year')}.csv", facts)
    try:
        board = dashboard.build(_year(request))
    except ValueError as error:
        return _bad_year(error)
    if fmt == "json":
        return JsonResponse(opendata.as_json(board), json_dumps_params={"ensure_ascii": False})
    return _attachment(opendata.long_csv(board), f"dashboard-{board.year}.csv")


def table_data(request: HttpRequest, key: str) -> HttpResponse:
    if key not in dashboard.TABLES:
        raise Http404(key)
    if not request.GET.get("year", "").strip():
        snapshot = snapshots.read(f"{key}.csv")
        if snapshot is not None:
            content, facts = snapshot
            return _attachment(content, f"{key}-{facts.get('year')}.csv", facts)
    try:
        board = dashboard.build(_year(request), keys=[key])
    except ValueError as error:
        return _bad_year(error)
    return _attachment(opendata.table_csv(board, board.table(key)), f"{key}-{board.year}.csv")


def _attachment(content: bytes, name: str, facts: dict[str, Any] | None = None) -> HttpResponse:
    """Open-data CSV (UTF-8 with a BOM, see opendata._csv) as a download."""
    response = _snapshot_response(content, "text/csv; charset=utf-8", facts)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _snapshot_response(
    content: bytes, content_type: str, facts: dict[str, Any] | None
) -> HttpResponse:
    """A file, with the time of the snapshot it comes from (none when built live)."""
    response = HttpResponse(content, content_type=content_type)
    if facts:
        response["X-Snapshot-Generated-At"] = str(facts.get("generated_at", ""))
    return response
