"""Helpers shared by the pages of every app: paginate, run a service, submit a form to one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

PAGE_SIZE = 25


def paginate(
    request: HttpRequest, rows: QuerySet[Any] | Sequence[Any], size: int = PAGE_SIZE
) -> Page[Any]:
    return Paginator(rows, size).get_page(request.GET.get("page"))


def page_number(request: HttpRequest) -> int:
    """The requested page (``?page=``), 1 when absent or not a number."""
    number = request.GET.get("page", "")
    return int(number) if number.isdigit() else 1


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


def submit(form: forms.BaseForm, action: Callable[[], Any]) -> Any:
    """Call a service with a valid form; its validation errors land on the form (None)."""
    try:
        return action()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None
