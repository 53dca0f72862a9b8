"""The Content-Security-Policy header, built once instead of on every response (issue 17).

django-csp's middleware rebuilds the header text from the settings for every response
(about 150 µs of an anonymous request).  Without per-response changes (no ``@csp_update``
or ``@csp_replace`` decorator, no nonce asked for) the text depends on the settings only, so
:class:`CachedCSPMiddleware` keeps it until a setting changes (``setting_changed``: tests
that override the policy get theirs).  Any other response goes through django-csp as before.
"""

from __future__ import annotations

from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

_CUSTOM = ("_csp_config", "_csp_update", "_csp_replace")
_CUSTOM_RO = ("_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_built: dict[bool, str] = {}  # report_only → header text built from the settings alone


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    _built.clear()


def _policy(report_only: bool) -> str:
    text = _built.get(report_only)
    if text is None:
        text = _built[report_only] = build_policy(report_only=report_only)
    return text


def _excluded(request: HttpRequest, setting: str) -> bool:
    prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
    return request.path_info.startswith(tuple(prefixes))


class CachedCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the settings-only header text kept between responses."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        plain = getattr(request, "_csp_nonce", None) is None and not any(
            getattr(response, name, None) is not None for name in _CUSTOM + _CUSTOM_RO
        )
        if not plain or (settings.DEBUG and response.status_code in (404, 500)):
            return super().process_response(request, response)
        for report_only, header, exempt, setting in (
            (False, HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (True, HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            text = _policy(report_only)
            if (
                text
                and header not in response
                and not getattr(response, exempt, False)
                and not _excluded(request, setting)
            ):
                response[header] = text
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
