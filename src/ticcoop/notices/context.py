"""Template context: the unread count for the header (one indexed COUNT per page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from ticcoop.notices.queries import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    # lazy: pages that never show the header (files, JSON) do not pay for the query
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(request.user))}
