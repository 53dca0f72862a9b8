"""The JSON API: one NinjaAPI, a router per app, errors in one shape."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger

from ticcoop.apiclients.auth import token_auth
from ticcoop.apiclients.throttle import WindowThrottle
from ticcoop.assessments.api import router as assessments_router
from ticcoop.certificates.api import router as certificates_router
from ticcoop.competitions.api import router as competitions_router
from ticcoop.config.renderer import ORJSONRenderer
from ticcoop.disclosure.api import router as disclosure_router
from ticcoop.events.api import router as events_router
from ticcoop.inspections.api import router as inspections_router
from ticcoop.pages import referring, still_referred_message
from ticcoop.proficiency.api import router as proficiency_router
from ticcoop.regions.api import router as regions_router
from ticcoop.registry.api import router as registry_router
from ticcoop.supervision.api import router as supervision_router
from ticcoop.trust.api import router as trust_router

api = NinjaAPI(
    title="ticcoop API",
    version="1",
    description="华北五省（市、自治区）检验检测认证区域合作平台 — 公共接口与监管接口",
    urls_namespace="api",
    # Swagger UI from ninja's bundled static files ("ninja" in INSTALLED_APPS), never a CDN; no
    # validator badge, which would load an image from validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    throttle=[WindowThrottle()],
    renderer=ORJSONRenderer(),
)
api.add_router("/", regions_router)
api.add_router("/", registry_router)
api.add_router("/trust", trust_router)
api.add_router("/assessments", assessments_router)
api.add_router("/certificates", certificates_router)
api.add_router("/pt", proficiency_router)
api.add_router("/supervision", supervision_router)
api.add_router("/inspections", inspections_router)
api.add_router("/competitions", competitions_router)
api.add_router("/public", disclosure_router)
api.add_router("/changes", events_router)

# Bearer tokens next to the session wherever an operation asks for the session (django_auth):
# the token is tried first, so a token call never meets the session's CSRF check.
for _router in api._routers:
    for _path_view in _router[1].path_operations.values():
        for _operation in _path_view.operations:
            if _operation.auth_callbacks and token_auth not in _operation.auth_callbacks:
                _operation.auth_callbacks = [token_auth, *_operation.auth_callbacks]


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(ValidationError)
def validation_failed(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "invalid", "errors": errors}, status=422)


# The handlers below are the last line: input the schemas could not check (a key that names
# no record, a record others still refer to, a number no column holds) is answered 4xx with
# what was wrong, never a 500.  Endpoints that know the field name raise ValidationError.


@api.exception_handler(ObjectDoesNotExist)
def missing_record(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    name = type(exc).__qualname__.split(".")[0].lower()  # "Region.DoesNotExist" → "region"
    errors = {name: [f"no such {name}"]}
    return api.create_response(request, {"detail": "invalid", "errors": errors}, status=422)


@api.exception_handler(ProtectedError)
@api.exception_handler(RestrictedError)
def still_referred_to(request: HttpRequest, exc: ProtectedError | RestrictedError) -> HttpResponse:
    found = referring(exc)
    return api.create_response(
        request, {"detail": still_referred_message(found), "referred_by": found}, status=409
    )


@api.exception_handler(OverflowError)
def number_out_of_range(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    errors = {"__all__": ["a number is out of range (signed 64-bit)"]}
    return api.create_response(request, {"detail": "invalid", "errors": errors}, status=422)
