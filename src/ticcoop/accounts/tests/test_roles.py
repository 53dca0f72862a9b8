from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from ticcoop.accounts.roles import Role
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def codenames(role: Role) -> set[str]:
    group = Group.objects.get(name=role.value)
    return set(group.permissions.values_list("codename", flat=True))


def test_every_role_is_a_group() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def test_the_observer_reads_everything_and_writes_nothing() -> None:
    perms = codenames(Role.NATIONAL_OBSERVER)
    assert {"view_institution", "view_region", "view_expert", "view_logentry"} <= perms
    assert not any(p.startswith(("add_", "change_", "delete_")) for p in perms)


def test_a_regulator_writes_region_scoped_models_only() -> None:
    perms = codenames(Role.REGULATOR)
    assert {"add_institution", "change_institution", "delete_institution"} <= perms
    assert "view_region" in perms
    assert "change_region" not in perms


def test_public_roles_have_no_back_office_permissions() -> None:
    assert codenames(Role.INSTITUTION_USER) == set()
    assert codenames(Role.INSPECTOR) == set()


def test_the_observer_sees_every_region_in_the_admin_but_cannot_edit() -> None:
    client = Client()
    client.force_login(factories.user(Role.NATIONAL_OBSERVER))
    beijing = factories.institution("11")
    page = client.get(f"/admin/registry/institution/{beijing.pk}/change/")
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()
    assert client.get("/admin/registry/institution/add/").status_code == 403
