"""The platform's roles as Django auth groups, and the model permissions each one holds."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from auditlog.context import disable_auditlog
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    NATIONAL_OBSERVER = "national_observer"
    REGULATOR = "regional_regulator"
    INSTITUTION_USER = "institution_user"
    INSPECTOR = "inspector"


ROLE_LABELS = {
    Role.NATIONAL_OBSERVER: _("国家观察员"),
    Role.REGULATOR: _("地区监管人员"),
    Role.INSTITUTION_USER: _("机构用户"),
    Role.INSPECTOR: _("检查员/评审员/专家"),
}

# Roles that work in the back office (the Django admin).
STAFF_ROLES = {Role.NATIONAL_OBSERVER, Role.REGULATOR}
PLATFORM_APP_PREFIX = "ticcoop."
READ_ONLY_APPS = {"auditlog"}


def is_region_scoped(model: type[Any]) -> bool:
    return bool(getattr(model, "region_path", None))


def _permission_codenames_for(role: Role, model: type[Any]) -> list[str]:
    name = model._meta.model_name
    if role == Role.NATIONAL_OBSERVER:
        return [f"view_{name}"]
    if role == Role.REGULATOR:
        if is_region_scoped(model):
            # Writes are further narrowed to the regulator's own region by accounts.queries.
            return [f"{action}_{name}" for action in ("view", "add", "change", "delete")]
        return [f"view_{name}"]
    return []


def grant_role_permissions(sender: Any = None, **kwargs: Any) -> None:
    """Give each group the permissions its role implies, for every platform model."""
    using = kwargs.get("using", "default")
    # Other apps' permissions may not exist yet at this point of post_migrate: make them now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    group_model = global_apps.get_model("auth", "Group")
    permission_model = global_apps.get_model("auth", "Permission")
    models = [
        model
        for model in global_apps.get_models()
        if model.__module__.startswith(PLATFORM_APP_PREFIX)
        or model._meta.app_label in READ_ONLY_APPS
    ]
    # One query for every platform permission, not one per role and model (this runs after
    # each flush of a transactional test as well as after migrate).
    labels = {model._meta.app_label for model in models}
    by_key = {
        (app_label, codename): pk
        for pk, app_label, codename in permission_model.objects.filter(
            content_type__app_label__in=labels
        ).values_list("pk", "content_type__app_label", "codename")
    }
    for role in Role:
        group, _created = group_model.objects.get_or_create(name=role.value)
        wanted = [
            by_key[key]
            for model in models
            for codename in _permission_codenames_for(role, model)
            if (key := (model._meta.app_label, codename)) in by_key
        ]
        # Not audit-logged: these grants follow from this code and are derived again at every
        # migrate (the log entry listed ~800 permissions, 0.5 s each time); people's changes
        # to a group, in the admin, are still logged.
        with disable_auditlog():
            group.permissions.set(wanted)
