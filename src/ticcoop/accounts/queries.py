"""Who may read and write what: region scoping lives here and only here.

Every region-scoped model names the path from itself to its region in ``region_path``
(``"region"``, ``"institution__region"`` …). Admin, pages, API and services all ask these
functions; nothing else decides whether a user may write a region's record.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from ticcoop.accounts.roles import Role

UserLike = AbstractBaseUser | AnonymousUser
ModelT = TypeVar("ModelT", bound=models.Model)


def roles_of(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_ticcoop_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._ticcoop_roles = cached
    return cached


def has_role(user: Any, role: Role) -> bool:
    return role.value in roles_of(user)


def is_staff_reader(user: Any) -> bool:
    """Regulators, national observers and superusers: they read every region's records."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_superuser
        or has_role(user, Role.REGULATOR)
        or has_role(user, Role.NATIONAL_OBSERVER)
    )


def region_id_of_user(user: Any) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile.region_id
    except ObjectDoesNotExist:
        return None


def region_path_of(model: type[models.Model]) -> str:
    path = getattr(model, "region_path", None)
    if not path:
        raise TypeError(f"{model.__name__} is not region-scoped (no region_path)")
    return str(path)


def region_id_of_record(record: models.Model) -> int | None:
    """Follow the model's region_path on an (unsaved or saved) instance."""
    target: Any = record
    parts = region_path_of(type(record)).split("__")
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{parts[-1]}_id", None)


def can_write_region(user: Any, region_id: int | None) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    return (
        has_role(user, Role.REGULATOR)
        and region_id is not None
        and region_id == region_id_of_user(user)
    )


def access_region_write(user: Any, record: models.Model) -> None:
    """Raise PermissionDenied unless ``user`` may create/change/delete ``record``."""
    if not can_write_region(user, region_id_of_record(record)):
        raise PermissionDenied(_("只能修改本地区的记录"))


def access_record_change(user: Any, record: models.Model) -> None:
    """For a change: both the stored region and the new region must be the user's own."""
    if record.pk is not None:
        stored = type(record)._default_manager.filter(pk=record.pk).first()
        if stored is not None:
            access_region_write(user, stored)
    access_region_write(user, record)


def writable_by(user: Any, queryset: models.QuerySet[ModelT]) -> models.QuerySet[ModelT]:
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    region_id = region_id_of_user(user)
    if not has_role(user, Role.REGULATOR) or region_id is None:
        return queryset.none()
    return queryset.filter(**{f"{region_path_of(queryset.model)}_id": region_id})


def writable_region_ids(user: Any) -> list[int] | None:
    """None means every region (superuser)."""
    if getattr(user, "is_superuser", False):
        return None
    region_id = region_id_of_user(user)
    if has_role(user, Role.REGULATOR) and region_id is not None:
        return [region_id]
    return []


def read_region_ids(user: Any) -> list[int] | None:
    """The regions whose region-owned, unshared records a reader sees; None means every region.

    Superusers and national observers read every region; a regulator reads its own region's
    tasks and deadlines and the findings of inspections its region takes part in (the same
    rule as the pages: ``supervision.queries.tasks_for``, ``inspections.queries.visible_findings``),
    so the change feeds of those kinds are narrowed to it. Everybody else: no region.
    """
    if getattr(user, "is_superuser", False) or has_role(user, Role.NATIONAL_OBSERVER):
        return None
    region_id = region_id_of_user(user)
    if has_role(user, Role.REGULATOR) and region_id is not None:
        return [region_id]
    return []


# --- Second factor (TOTP) -------------------------------------------------------------------
# Roles whose decisions bind others: their sign-in always needs a one-time code.
SECOND_FACTOR_ROLES = frozenset({Role.REGULATOR.value, Role.NATIONAL_OBSERVER.value})


def second_factor_required(user: Any) -> bool:
    """Regulators, national observers and everyone who can open the admin must use TOTP."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or roles_of(user) & SECOND_FACTOR_ROLES)


def confirmed_totp_device(user: Any) -> TOTPDevice | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").last()


def second_factor_step(user: Any) -> str | None:
    """What an authenticated but not yet verified session must do next, if anything.

    ``"verify"`` once a TOTP device is enrolled (whether required or chosen), ``"setup"`` when the
    role requires one and none is enrolled yet, ``None`` when the user may go on without.
    """
    if confirmed_totp_device(user) is not None:
        return "verify"
    if second_factor_required(user):
        return "setup"
    return None


def regulators_of(region_id: int) -> models.QuerySet[Any]:
    """The active regulators of a region (who its deadline reminders go to)."""
    return get_user_model().objects.filter(
        is_active=True, groups__name=Role.REGULATOR.value, profile__region_id=region_id
    )
