"""Keep a signed-in user who still owes a one-time code on the second-factor pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import second_factor_step

# Pages an unverified session may still open: signing in and out, the second-factor pages
# themselves, switching the language, static files and the health check.
ALWAYS_OPEN_URL_NAMES = ("login", "logout", "set_language")
ALWAYS_OPEN_PREFIXES = ("/account/two-factor/", "/healthz")


class SecondFactorMiddleware:
    """Password alone signs in, but regulators, observers, staff and anyone who enrolled a
    TOTP device see nothing else until the session is verified (django-otp's OTPMiddleware,
    installed before this one, tells us). Every sign-in path (our login page, the admin's,
    ``force_login``) ends up here, so none of them can skip the code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        if self._open_paths is None:
            named = tuple(reverse(name) for name in ALWAYS_OPEN_URL_NAMES)
            self._open_paths = (
                *named,
                *ALWAYS_OPEN_PREFIXES,
                "/" + settings.STATIC_URL.lstrip("/"),
            )
        return self._open_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path_info.startswith(self.open_paths())
        ):
            step = second_factor_step(user)
            if step is not None:
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": _("请先完成两步验证。")}, status=403)
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('two-factor-' + step)}?{query}")
        return self.get_response(request)
