"""Helpers shared by the pages of every app: paginate, run a service, submit a form to one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

PAGE_SIZE = 25
#: The last page anyone may ask for (pages and API): 10⁶ pages is past any listing we keep, and
#: the offset (page × size) stays far inside what SQLite and PostgreSQL accept.
MAX_PAGE = 1_000_000


def paginate(
    request: HttpRequest, rows: QuerySet[Any] | Sequence[Any], size: int = PAGE_SIZE
) -> Page[Any]:
    return Paginator(rows, size).get_page(request.GET.get("page"))


def page_number(request: HttpRequest) -> int:
    """The requested page (``?page=``), 1 when absent or not a number, at most MAX_PAGE (a
    page number past any listing must not become an offset no database accepts)."""
    number = request.GET.get("page", "")
    return min(int(number), MAX_PAGE) if number.isascii() and number.isdigit() else 1


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


def referring(exc: ProtectedError | RestrictedError) -> dict[str, int]:
    """What still refers to the record a delete was refused for: {kind of record: how many}."""
    objects = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    return dict(Counter(str(obj._meta.verbose_name) for obj in objects))


def still_referred_message(found: dict[str, int]) -> str:
    what = _("、").join(f"{label} {count}" for label, count in found.items())
    return _("仍有记录引用它，不能删除：%(what)s") % {"what": what}
