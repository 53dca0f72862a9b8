"""The public portal: the four notices of 双随机、一公开, downloads and open data."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from ticcoop import exports
from ticcoop.disclosure import queries
from ticcoop.pages import paginate
from ticcoop.supervision import queries as supervision
from ticcoop.supervision.models import TaskStatus

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
    ceremonies = batch.ceremonies.prefetch_related("commitments__region").order_by("number")
    tasks = (
        batch.tasks.select_related("replaces")
        .prefetch_related("team__expert")
        .order_by("target_code")
    )
    context = {
        "batch": batch,
        "draw": getattr(batch, "draw", None),
        "ceremonies": ceremonies,
        "tasks": tasks,
        "superseded": TaskStatus.SUPERSEDED,
        "redrawn_by": getattr(batch, "redrawn_by", None),
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
    found = supervision.published_results()
    page = paginate(request, found, PAGE_SIZE)
    return render(request, "disclosure/results.html", {"page": page})


def results_data(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("json", "csv"):
        raise Http404(fmt)
    rows = queries.result_rows()
    if fmt == "json":
        return JsonResponse({"results": rows}, json_dumps_params={"ensure_ascii": False})
    fields = list(rows[0]) if rows else ["batch", "target_code", "result"]
    content = exports.csv_bytes(fields, ([row[f] for f in fields] for row in rows))
    response = HttpResponse(content, content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="results.csv"'
    return response
