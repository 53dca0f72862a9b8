from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiClientsConfig(AppConfig):
    name = "ticcoop.apiclients"
    verbose_name = _("接口客户端")
