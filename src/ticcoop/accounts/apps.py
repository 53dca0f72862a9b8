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
