from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "ticcoop.audit"
    verbose_name = _("审计链")

    def ready(self) -> None:
        from ticcoop.audit.chain import connect_signals

        connect_signals()
