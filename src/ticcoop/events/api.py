"""``GET /api/changes/<kind>?since=<cursor>&limit=``: a change feed, paged by a cursor.

Bearer tokens are added next to the session by ``ticcoop.config.api`` (as everywhere).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.security import django_auth
from pydantic import Field

from ticcoop.events import queries
from ticcoop.events.models import Kind
from ticcoop.events.schemas import ChangesOut

router = Router(tags=["changes"])


class FeedParams(Schema):
    since: int = Field(0, ge=0, description="上一页返回的 cursor（首次为 0）")
    limit: int = Field(100, ge=1, le=queries.MAX_LIMIT)


class HeadOut(Schema):
    kind: str
    cursor: int


@router.get("/{kind}/head", response=HeadOut, auth=django_auth)
def head(request: HttpRequest, kind: str) -> dict[str, Any]:
    """The feed's current end: take it before a full export, then follow the feed from it."""
    if kind not in Kind.values:
        raise Http404(kind)
    queries.access_feed(request.user, kind)
    return {"kind": kind, "cursor": queries.head_of(kind)}


@router.get("/{kind}", response=ChangesOut, auth=django_auth)
def changes(request: HttpRequest, kind: str, params: Query[FeedParams]) -> dict[str, Any]:
    if kind not in Kind.values:
        raise Http404(kind)
    queries.access_feed(request.user, kind)
    rows, cursor, more = queries.changes_after(kind, params.since, params.limit, request.user)
    return {"kind": kind, "cursor": cursor, "more": more, "changes": rows}
