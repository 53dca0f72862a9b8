"""Cached public API answers (certificate search and verification), invalidated on any change.

Only anonymous GETs without cookies of ``/api/certificates`` (search) and
``/api/certificates/verify`` are cached, whole responses with status 200, for
TICCOOP_PUBLIC_CACHE_SECONDS (0: off).  It is on only with a shared cache (Redis,
TICCOOP_CACHE_URL): with per-process memory one worker could not invalidate another's copy.

**Invalidation** — a cached answer must never show a revoked certificate as valid: every key
holds a *generation* number, and any change to what these answers are made of (certificates,
their versions and scope, institutions, regions, signing keys) increments it, so every
answer cached before is never read again.  The increment happens at the change (signals)
and again when its transaction commits, so an answer computed from the data before the
commit and stored afterwards is not served either.  Bulk writes that send no signals call
:func:`invalidate` themselves (``ticcoop.bulk.update_rows`` does; so must any COPY path).
The key also holds today's date (a certificate expires at midnight without any write) and
the language.  HTML pages are not cached: they carry the visitor's CSRF token.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

GENERATION_KEY = "ticcoop:public:generation"
CACHED_PATHS = re.compile(r"^/api/certificates(?:/verify)?$")


def enabled() -> bool:
    return int(getattr(settings, "TICCOOP_PUBLIC_CACHE_SECONDS", 0)) > 0


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    return int(value) if value is not None else 0


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted): any new value differs from the old keys
        cache.add(GENERATION_KEY, timezone.now().timestamp(), timeout=None)
        cache.incr(GENERATION_KEY)


def invalidate() -> None:
    """Every cached public answer is stale: now, and again when the transaction commits."""
    if not enabled():
        return
    _bump()
    transaction.on_commit(_bump)


def on_change(sender: Any, **kwargs: Any) -> None:
    """Signal receiver (post_save, post_delete, m2m_changed) of the models answers are made of."""
    invalidate()


def _key(request: HttpRequest, gen: int) -> str:
    digest = hashlib.sha256(request.get_full_path().encode("utf-8")).hexdigest()
    day = timezone.localdate().isoformat()
    return f"ticcoop:public:{gen}:{day}:{translation.get_language()}:{digest}"


class PublicCacheMiddleware:
    """Answers a cached public API GET before sessions, authentication and the view run."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not (
            enabled()
            and request.method == "GET"
            and not request.COOKIES
            and "Authorization" not in request.headers
            and CACHED_PATHS.match(request.path_info)
        ):
            return self.get_response(request)
        key = _key(request, generation())  # the generation is read BEFORE the data
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            headers = [(name, value) for name, value in response.items() if name != "Vary"]
            timeout = int(settings.TICCOOP_PUBLIC_CACHE_SECONDS)
            cache.set(key, (response.content, headers), timeout)
        return response
