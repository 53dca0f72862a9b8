from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from ticcoop.trust.queries import public_keyset


@require_GET
def published_keys(request: HttpRequest) -> HttpResponse:
    """/.well-known/ticcoop-keys.json: every issuer's public keys with their status."""
    response = HttpResponse(
        public_keyset().to_json(), content_type="application/json; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
