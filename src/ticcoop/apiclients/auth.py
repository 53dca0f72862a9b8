"""``Authorization: Bearer …`` for the API, next to the browser session.

A valid token makes the client's service user the request's user, so every permission check
(``ticcoop.accounts.queries``) and every audit entry treats the call like one by a person of the
same role and region. Token calls need no CSRF token: no browser sends this header by itself.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from ticcoop.apiclients.models import WRITE_SCOPES, Scope
from ticcoop.apiclients.queries import token_for

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# The path (below /api/) a PT provider's token may write to.
PT_PREFIX = "/api/pt/"


def check_scope(scope: str, method: str, path: str) -> None:
    """Raise 403 when the scope does not allow this method on this path."""
    if method in SAFE_METHODS:
        return
    if scope not in WRITE_SCOPES:
        raise HttpError(403, _("权限范围 %(scope)s 只能读取") % {"scope": scope})
    if scope == Scope.PT_PROVIDER and not path.startswith(PT_PREFIX):
        raise HttpError(403, _("能力验证提供者只能写入能力验证接口"))


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for(token)
        if found is None:
            raise HttpError(401, _("令牌无效、已过期或已吊销"))
        client = found.client
        check_scope(client.scope, request.method or "GET", request.path)
        request.user = client.user
        request.api_client = client  # type: ignore[attr-defined]
        return client.user


token_auth = TokenAuth()


def client_of(request: HttpRequest) -> Any:
    return getattr(request, "api_client", None)


def optional_token(request: HttpRequest) -> None:
    """On public operations: a presented token is checked (and throttled as its client)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        token_auth(request)
