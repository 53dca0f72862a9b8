from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ticcoop.accounts"
    verbose_name = _("用户与角色")

    def ready(self) -> None:
        from ticcoop.accounts.roles import grant_role_permissions

        # Permissions exist only after post_migrate, so the grants follow every migrate.
        post_migrate.connect(
            grant_role_permissions, sender=self, dispatch_uid="ticcoop-grant-role-permissions"
        )
        _hide_device_admins()


def _hide_device_admins() -> None:
    """Second-factor devices are managed from the user admin (reset action) and the user's own
    two-factor pages; django-otp's device admins are English-only and list secrets' metadata.
    (Runs after the admin's autodiscovery, which registered them.)"""
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for device_model in (StaticDevice, TOTPDevice):
        if admin.site.is_registered(device_model):
            admin.site.unregister(device_model)
