"""Writes on people and roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, User
from django.db import models, transaction

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.models import Profile
from ticcoop.accounts.queries import access_record_change, access_region_write
from ticcoop.accounts.roles import STAFF_ROLES, Role
from ticcoop.regions.models import Region


@transaction.atomic
def create_user(
    *,
    actor: Any,
    username: str,
    password: str | None,
    role: Role | None,
    region: Region | None = None,
    display_name: str = "",
    email: str = "",
) -> User:
    with audit_as(actor):
        user = User(username=username, email=email, is_staff=role in STAFF_ROLES)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        Profile.objects.create(user=user, region=region, display_name=display_name)
        if role is not None:
            user.groups.add(Group.objects.get(name=role.value))
    return user


@transaction.atomic
def save_scoped_record(actor: Any, record: models.Model) -> models.Model:
    """Create or change a region-scoped record: scope check (old and new region), validation."""
    access_record_change(actor, record)
    record.full_clean()
    with audit_as(actor):
        record.save()
    return record


@transaction.atomic
def delete_scoped_record(actor: Any, record: models.Model) -> None:
    access_region_write(actor, record)
    with audit_as(actor):
        record.delete()
