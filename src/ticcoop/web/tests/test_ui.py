"""The design system's template helpers: status badges and the site form template."""

from __future__ import annotations

from django import forms
from django.template import Context, Template

from ticcoop.web.templatetags.ui import TONES, status_tone


def render(source: str, **context: object) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


def test_a_status_has_the_same_colour_everywhere() -> None:
    assert status_tone("valid") == status_tone("published") == "ok"
    assert status_tone("revoked") == status_tone("unsatisfactory") == "bad"
    assert status_tone("suspended") == "warn"
    assert status_tone("no-such-status") == "neutral"
    assert set(TONES.values()) <= {"ok", "warn", "bad", "muted", "info"}


def test_status_badge_escapes_its_label_and_is_empty_without_one() -> None:
    html = render("{% status_badge s label %}", s="revoked", label="撤销<b>")
    assert html == (
        '<span class="badge status-badge status-bad" data-status="revoked">撤销&lt;b&gt;</span>'
    )
    assert render("{% status_badge s label %}", s="", label="") == ""


class Sample(forms.Form):
    name = forms.CharField(label="名称", max_length=3)
    kind = forms.ChoiceField(label="类型", choices=[("a", "甲"), ("b", "乙")])
    agree = forms.BooleanField(label="同意", required=False)


def test_form_shows_errors_beside_the_field_and_keeps_the_values() -> None:
    form = Sample(data={"name": "太长的名称", "kind": "b", "agree": "on"})
    assert not form.is_valid()
    html = str(form)
    # The error sits right after its own field, tied to it for screen readers.
    field = html.index('name="name"')
    error = html.index('id="id_name_errors"')
    assert field < error < html.index('name="kind"')
    assert 'aria-describedby="id_name_errors"' in html and 'aria-invalid="true"' in html
    assert 'class="form-control is-invalid"' in html
    assert 'value="太长的名称"' in html  # nothing typed is lost
    assert '<option value="b" selected>' in html and 'class="form-select"' in html
    assert 'class="form-check-input"' in html and "checked" in html
