"""Writes on people and roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, User
from django.db import transaction

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.models import Profile
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
