"""The API's JSON renderer: orjson (issue 17), the same output values as django-ninja's own.

Dates and times are passed through to ninja's encoder (Django's format: milliseconds, "Z"),
so no field's spelling changes; everything else orjson encodes natively (several times faster
than the json module for the search pages' 50 rows).  Non-ASCII text is written as UTF-8
instead of \\u escapes: the same JSON.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

_ENCODER = NinjaJSONEncoder()


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return orjson.dumps(
            data,
            default=_ENCODER.default,
            option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS,
        )


def plain_response(data: Any) -> HttpResponse:
    """A 200 answer of ``data`` that the view already built in its schema's exact shape and
    types, rendered as ninja would but without ninja's per-field validation of the response
    (for the public search's 50 rows about 3 ms of a 12 ms request, issue 17).  The route
    keeps its ``response=`` schema for the OpenAPI document; the API tests check the shape."""
    renderer = ORJSONRenderer()
    content = renderer.render(None, data, response_status=200)  # type: ignore[arg-type]
    return HttpResponse(content, content_type=f"{renderer.media_type}; charset={renderer.charset}")
