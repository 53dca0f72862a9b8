from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProficiencyConfig(AppConfig):
    name = "ticcoop.proficiency"
    verbose_name = _("能力验证")
