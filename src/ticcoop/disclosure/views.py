"""The public portal: the four notices of 双随机、一公开, downloads and open data."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from ticcoop import exports
from ticcoop.disclosure import queries, search, snapshots
from ticcoop.pages import paginate
from ticcoop.regions.models import Region
from ticcoop.supervision import queries as supervision
from ticcoop.supervision.models import ResultKind, TaskStatus

PAGE_SIZE = 50


def index(request: HttpRequest) -> HttpResponse:
    context = {
        "draws": supervision.public_batches()[:10],
        "plans": supervision.published_plans()[:10],
    }
    return render(request, "disclosure/index.html", context)


def items(request: HttpRequest) -> HttpResponse:
    return render(request, "disclosure/items.html", {"items": queries.published_items()})


def plans(request: HttpRequest) -> HttpResponse:
    found = supervision.published_plans().prefetch_related("regions", "items")
    return render(request, "disclosure/plans.html", {"plans": found})


def draws(request: HttpRequest) -> HttpResponse:
    page = paginate(request, supervision.public_batches(), PAGE_SIZE)
    return render(request, "disclosure/draws.html", {"page": page})


def draw(request: HttpRequest, pk: int) -> HttpResponse:
    batch = queries.public_batch(pk)
    draw = getattr(batch, "draw", None)
    ceremonies = batch.ceremonies.prefetch_related("commitments__region").order_by("number")
    tasks = (
        batch.tasks.select_related("replaces")
        .prefetch_related("team__expert")
        .order_by("target_code")
    )
    context = {
        "batch": batch,
        "draw": draw,
        "ceremonies": ceremonies,
        "tasks": tasks,
        "superseded": TaskStatus.SUPERSEDED,
        "redrawn_by": getattr(batch, "redrawn_by", None),
        "notice": search.notice_period(draw.published_at.date()) if draw else None,
    }
    return render(request, "disclosure/draw.html", context)


def draw_file(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    batch = queries.public_batch(pk)
    data = queries.draw_file(batch, name)
    if data is None:
        raise Http404(name)
    response = HttpResponse(data, content_type=queries.DRAW_FILES[name][0])
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-{name}"'
    return response


def results(request: HttpRequest) -> HttpResponse:
    """检查结果公示, searchable by name/code, region, item, batch, outcome and date."""
    error = ""
    try:
        filters = search.parse_filters(request.GET)
    except ValidationError as exc:
        filters, error = search.ResultFilters(), "；".join(exc.messages)
    page = paginate(request, filters.apply(supervision.published_results()), PAGE_SIZE)
    context = {
        "page": page,
        "error": error,
        "values": {name: request.GET.get(name, "") for name in search.FIELDS},
        "regions": Region.objects.filter(is_active=True).order_by("code"),
        "outcomes": ResultKind.choices,
        "query": request.GET.urlencode(),
    }
    return render(request, "disclosure/results.html", context)


def result(request: HttpRequest, pk: int) -> HttpResponse:
    """One published result: target, items, team by region, outcome, dates, the draw."""
    found = queries.public_result(pk)
    published = found.published_at.date() if found.published_at else None
    context = {
        "result": found,
        "task": found.task,
        "items": queries.item_names(found.task),
        "team": queries.team_by_region(found.task),
        "versions": supervision.published_results().filter(task=found.task),
        "notice": search.notice_period(published) if published else None,
    }
    return render(request, "disclosure/result.html", context)


def results_data(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("json", "csv"):
        raise Http404(fmt)
    try:
        filters = search.parse_filters(request.GET)
    except ValidationError as exc:
        return JsonResponse(
            {"detail": "invalid", "errors": exc.message_dict},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    if not any(str(value).strip() for value in request.GET.values()):
        snapshot = snapshots.read(f"results.{fmt}")  # unfiltered: the daily snapshot
        if snapshot is not None:
            content, facts = snapshot
            kind = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
            response = HttpResponse(content, content_type=kind)
            response["X-Snapshot-Generated-At"] = str(facts.get("generated_at", ""))
            if fmt == "csv":
                response["Content-Disposition"] = 'attachment; filename="results.csv"'
            return response
    rows = queries.result_rows(filters)
    if fmt == "json":
        return JsonResponse({"results": rows}, json_dumps_params={"ensure_ascii": False})
    fields = list(rows[0]) if rows else ["batch", "target_code", "result"]
    # UTF-8 with a BOM for Excel, like the dashboard's open data.
    content = exports.csv_bytes(fields, ([row[f] for f in fields] for row in rows), bom=True)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="results.csv"'
    return response
