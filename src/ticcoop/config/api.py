"""The JSON API: one NinjaAPI, a router per app, errors in one shape."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from ticcoop.regions.api import router as regions_router
from ticcoop.registry.api import router as registry_router

api = NinjaAPI(
    title="ticcoop API",
    version="1",
    description="华北五省（市、自治区）检验检测认证区域合作平台 — 公共接口与监管接口",
    urls_namespace="api",
)
api.add_router("/", regions_router)
api.add_router("/", registry_router)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(ValidationError)
def validation_failed(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "invalid", "errors": errors}, status=422)
