from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "ticcoop.registry"
    verbose_name = _("资质管理")

    def ready(self) -> None:
        # The search key is computed by the database (a generated column): keep it out of the
        # audit trail, where AUDITLOG_INCLUDE_ALL_MODELS registered every field.
        from auditlog.registry import auditlog

        from ticcoop.registry.models import Institution

        if auditlog.contains(Institution):
            auditlog.unregister(Institution)
        auditlog.register(Institution, exclude_fields=["search_key"])
