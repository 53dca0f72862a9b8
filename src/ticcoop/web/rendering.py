"""The site's form renderer: every ``{{ form }}`` uses the design system's form template."""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class SiteFormRenderer(DjangoTemplates):
    # Errors beside their field, Bootstrap controls (web/templates/web/forms/).
    form_template_name = "web/forms/form.html"
