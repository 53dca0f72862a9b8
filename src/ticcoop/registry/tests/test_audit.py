"""The audit trail: who, when, what, before and after — and nobody can rewrite it."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client

from ticcoop.registry.models import Institution
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def entries_for(institution: Institution) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(institution).order_by("timestamp", "pk"))


def test_a_change_through_the_api_records_actor_before_and_after() -> None:
    regulator = factories.regulator("13")
    institution = factories.institution("13", name="旧名称")
    client = Client()
    client.force_login(regulator)
    client.patch(
        f"/api/institutions/{institution.credit_code}",
        {"name": "新名称"},
        content_type="application/json",
    )
    change = entries_for(institution)[-1]
    assert change.action == LogEntry.Action.UPDATE
    assert change.actor == regulator
    assert change.changes_dict["name"] == ["旧名称", "新名称"]
    assert change.timestamp is not None


def test_a_delete_through_a_page_is_logged_with_the_actor() -> None:
    regulator = factories.regulator("12")
    institution = factories.institution("12")
    client = Client()
    client.force_login(regulator)
    client.post(f"/institutions/{institution.credit_code}/delete/")
    deleted = LogEntry.objects.filter(
        object_pk=str(institution.pk), action=LogEntry.Action.DELETE
    ).get()
    assert deleted.actor == regulator
    assert deleted.object_repr == institution.name


def test_the_log_cannot_be_changed_or_deleted_in_the_admin(admin_client: Client) -> None:
    institution = factories.institution("11")
    entry = entries_for(institution)[0]
    change = admin_client.post(f"/admin/auditlog/logentry/{entry.pk}/change/", {})
    delete = admin_client.post(f"/admin/auditlog/logentry/{entry.pk}/delete/", {"post": "yes"})
    assert change.status_code in {403, 200}
    assert delete.status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    assert LogEntry.objects.get(pk=entry.pk).changes == entry.changes


def test_the_observer_is_not_linked_to_user_pages_it_cannot_open() -> None:
    """Audit entries linked the national observer to user pages answering 403 (issue 13)."""
    from ticcoop.accounts.roles import Role

    regulator = factories.regulator("13")
    institution = factories.institution("13")
    editor = Client()
    editor.force_login(regulator)
    editor.patch(
        f"/api/institutions/{institution.credit_code}",
        {"name": "改名后的机构"},
        content_type="application/json",
    )
    observer = Client()
    observer.force_login(factories.user(Role.NATIONAL_OBSERVER))
    page = observer.get("/admin/auditlog/logentry/").content.decode()
    assert "改名后的机构" in page and regulator.username in page
    assert f"/admin/auth/user/{regulator.pk}/change/" not in page
    assert f"/admin/registry/institution/{institution.pk}/change/" in page  # it may view these
    assert observer.get(f"/admin/registry/institution/{institution.pk}/change/").status_code == 200
    root = Client()
    from django.contrib.auth.models import User

    root.force_login(User.objects.create_superuser("root", "r@example.invalid", "x"))
    assert (
        f"/admin/auth/user/{regulator.pk}/change/"
        in root.get("/admin/auditlog/logentry/").content.decode()
    )
