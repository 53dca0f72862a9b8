# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router

from ticcoop.disclosure import dashboard, opendata, queries, search
from ticcoop.disclosure.schemas import DrawOut, PublishedResultOut
from ticcoop.supervision import queries as supervision
from ticcoop.supervision.models import Batch

router = Router(tags=["disclosure"])


def _draw(batch: Batch) -> dict[str, Any]:
    draw = getattr(batch, "draw", None)
    files = {
        name: reverse("disclosure-draw-file", args=[batch.pk, name])
        for name in ("manifest.json", "targets.csv", "inspectors.csv")
    }
    return {
        "id": batch.pk,
        "code": batch.code,
        "title": str(batch),
        "status": batch.status,
        "snapshot_sha256": batch.snapshot_sha256,
        "frozen_at": batch.frozen_at,
        "manifest_sha256": draw.manifest_sha256 if draw else None,
        "manifest_url": files["manifest.json"] if draw else None,
        "targets_url": files["targets.csv"],
        "inspectors_url": files["inspectors.csv"],
    }


@router.get("/draws", response=list[DrawOut])
def draws(request: HttpRequest) -> Any:
    """Batches with a published snapshot hash, and their draws (newest first)."""
    return [_draw(batch) for batch in supervision.public_batches()[:200]]


@router.get("/draws/{pk}", response=DrawOut)
def draw(request: HttpRequest, pk: int) -> Any:
    return _draw(queries.public_batch(pk))


@router.get("/results", response=list[PublishedResultOut])
def results(request: HttpRequest) -> Any:
    """Published inspection results (every version; corrections carry their reason).

    Query filters as on /public/results/: q (name or code), region, item, batch
    (SUP-YYYY-NNNNN), result, from, to (date checked, YYYY-MM-DD).
    """
    return queries.result_rows(search.parse_filters(request.GET))


@router.get("/dashboard", response=dict[str, Any])
def dashboard_figures(request: HttpRequest, year: int | None = None) -> Any:
    """监管数据: per-region aggregates of every app (the same as /public/dashboard.json)."""
    if year is not None and not dashboard.MIN_YEAR <= year <= dashboard.MAX_YEAR:
        message = _("year 应为 %(lo)s–%(hi)s 之间的年份，收到 %(year)s") % {
            "lo": dashboard.MIN_YEAR,
            "hi": dashboard.MAX_YEAR,
            "year": year,
        }
        raise ValidationError({"year": message})
    return opendata.as_json(dashboard.build(year))
