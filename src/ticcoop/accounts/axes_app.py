"""django-axes under a Chinese name in the admin (its AppConfig has no translatable name)."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录锁定")
