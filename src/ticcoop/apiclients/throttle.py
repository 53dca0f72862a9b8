"""Rate limits per API client and per anonymous address: a fixed window counted in the cache.

The cache is Django's (Redis in production through ``TICCOOP_CACHE_URL``, so every worker
process counts together; local memory in development and tests). A refused call gets 429 with
``Retry-After`` (django-ninja's throttling answers it from ``wait``).
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from ticcoop.apiclients.queries import token_for


class WindowThrottle(BaseThrottle):
    def __init__(self) -> None:
        # One throttle object serves every request thread; the last refusal's wait is per thread.
        self._local = threading.local()

    def identity(self, request: HttpRequest) -> tuple[str, int]:
        """The counter's name and its limit per window: the client or person, else the address."""
        client = getattr(request, "api_client", None)
        header = request.headers.get("Authorization", "")
        if client is None and header[:7].lower() == "bearer ":
            token = token_for(header[7:].strip())
            client = token.client if token else None
        if client is not None:
            return f"client:{client.pk}", int(settings.TICCOOP_API_RATE_CLIENT)
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):  # a browser session: per person, not per
            # address (a regulator's office shares one address)
            return f"user:{user.pk}", int(settings.TICCOOP_API_RATE_CLIENT)  # type: ignore[union-attr]
        return f"addr:{self.get_ident(request)}", int(settings.TICCOOP_API_RATE_ANON)

    def allow_request(self, request: HttpRequest) -> bool:
        name, limit = self.identity(request)
        window = int(settings.TICCOOP_API_RATE_WINDOW)
        now = time.time()
        index = int(now // window)
        key = f"ticcoop:ratelimit:{name}:{index}"
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add and incr: a new window
            cache.add(key, 1, timeout=window + 1)
            count = 1
        if count <= limit:
            return True
        self._local.wait = (index + 1) * window - now
        return False

    def wait(self) -> float | None:
        return float(getattr(self._local, "wait", 1.0))
