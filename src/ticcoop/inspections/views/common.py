from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def run(request: HttpRequest, action: Callable[[], Any], done: str, *target: Any) -> HttpResponse:
    """Run a service; show its validation errors as messages; redirect back either way."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已完成：%(what)s") % {"what": done})
    return redirect(*target)
