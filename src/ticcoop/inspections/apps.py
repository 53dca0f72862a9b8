from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "ticcoop.inspections"
    verbose_name = _("交叉互查与联合检查")
