"""Sign-in throttling (django-axes): refuse locked-out accounts, find the client address."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, skipped where there is no request to throttle.

    Only sign-ins over HTTP can be brute-forced; ``Client.login`` in tests and management
    commands call ``authenticate`` without a request, which axes would refuse with an exception.
    This backend never authenticates anyone itself, so skipping it only skips the lockout check.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None


def client_ip(request: HttpRequest) -> str:
    """The address to throttle: REMOTE_ADDR, or the one our PROXY_COUNT proxies saw.

    Behind nginx every request comes from the proxy's address, which would lock everyone out at
    once; the proxies append the real address to X-Forwarded-For, and only the last
    PROXY_COUNT entries are theirs (anything before them the client could have forged).
    """
    proxies = int(getattr(settings, "PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The lockout page (429), in the visitor's language, saying when to try again."""
    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(cooloff.total_seconds() // 60) if cooloff else None,
    }
    return render(request, "accounts/locked_out.html", context, status=429)
