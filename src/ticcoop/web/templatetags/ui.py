"""Template helpers of the design system: status badges and form controls on Bootstrap 5.

Load with ``{% load ui %}``.  A status means the same colour on every page, whatever the model:
green = in force / done, amber = needs attention or waiting, red = withdrawn or failed,
grey = draft, closed or replaced, blue = in progress.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ticcoop.methods import digests

register = template.Library()

# Status values of every model (TextChoices values) → one tone. Unknown values are neutral.
TONES: dict[str, str] = {
    # in force, passed, done
    "valid": "ok",
    "operating": "ok",
    "active": "ok",
    "published": "ok",
    "conform": "ok",
    "done": "ok",
    "drawn": "ok",
    "completed": "ok",
    "satisfactory": "ok",
    "intact": "ok",
    "scores_confirmed": "ok",
    "results_published": "ok",
    "confirmed": "ok",
    "inspected": "ok",
    "accepted": "ok",
    "reported": "ok",
    # waiting for someone or needing attention
    "suspended": "warn",
    "open": "warn",
    "submitted": "warn",
    "returned": "warn",
    "assigned": "warn",
    "unstaffed": "warn",
    "basic": "warn",
    "committing": "warn",
    "revealing": "warn",
    "questionable": "warn",
    "overdue": "warn",
    "retired": "warn",
    "answered": "warn",
    "pending": "warn",
    "appeal_window": "warn",
    # withdrawn, failed, refused
    "revoked": "bad",
    "nonconform": "bad",
    "failed": "bad",
    "unsatisfactory": "bad",
    "forged": "bad",
    "unknown": "bad",
    "rejected": "bad",
    "not_inspected": "bad",
    "damaged": "bad",
    # drafts, ended or replaced records
    "draft": "muted",
    "expired": "muted",
    "cancelled": "muted",
    "closed": "muted",
    "superseded": "muted",
    "replaced": "muted",
    "concluded": "muted",
    "withdrawn": "muted",
    "not scored": "muted",
    # in progress
    "planned": "info",
    "in_progress": "info",
    "frozen": "info",
    "enrolment": "info",
    "dispatched": "info",
    "evaluated": "info",
    "registration_open": "info",
    "registration_closed": "info",
    "proposed": "info",
}


@register.filter
def status_tone(status: Any) -> str:
    """The tone ('ok', 'warn', 'bad', 'muted', 'info', 'neutral') of a status value."""
    return TONES.get(str(status), "neutral")


@register.simple_tag
def status_badge(status: Any, label: Any = None) -> SafeString:
    """``{% status_badge obj.status obj.get_status_display %}`` → a coloured badge."""
    text = status if label is None else label
    if text in (None, ""):
        return SafeString("")  # no conclusion yet: nothing to colour
    return format_html(
        '<span class="badge status-badge status-{}" data-status="{}">{}</span>',
        status_tone(status),
        status,
        text,
    )


def control_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


@register.simple_tag
def control(field: forms.BoundField) -> SafeString:
    """A bound field's widget with the Bootstrap class, marked invalid and tied to its errors."""
    widget = field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return field.as_widget()
    classes = [widget.attrs.get("class", ""), control_class(widget)]
    attrs: dict[str, Any] = {}
    if field.errors:
        classes.append("is-invalid")
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_help"
    attrs["class"] = " ".join(c for c in classes if c)
    return field.as_widget(attrs=attrs)


@register.filter
def is_check(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def digest_name(recorded: Any) -> str:
    """The algorithm a written digest names, as printed: "SM3" or "SHA-256" (methods.digests)."""
    try:
        algorithm = digests.algorithm_of(str(recorded))
    except digests.DigestFormatError:
        return "SHA-256"  # every digest from before the prefix existed
    return "SM3" if algorithm == "sm3" else "SHA-256"
