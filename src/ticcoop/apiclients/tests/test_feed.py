"""Change feeds: events written with the change, in order, paged, deletions as tombstones."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from ticcoop.apiclients import services as clients
from ticcoop.certificates import services as certificates
from ticcoop.certificates.tests import factories as cert_factories
from ticcoop.events import record
from ticcoop.events.models import Event
from ticcoop.registry import services as registry
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def feed(api: Client, kind: str, since: int = 0, limit: int = 100) -> dict[str, object]:
    response = api.get(f"/api/changes/{kind}", {"since": since, "limit": limit})
    assert response.status_code == 200, response.content
    data: dict[str, object] = response.json()
    return data


@pytest.fixture
def api() -> Client:
    _c, token = clients.create_client(
        None, name="feed-reader", scope="read-region", region=factories.region("13")
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_institution_changes_and_tombstone_in_commit_order(api: Client) -> None:
    hebei = factories.regulator("13")
    institution = factories.institution("13", name="原名")
    institution.name = "新名"
    registry.save_institution(hebei, institution)
    registry.delete_institution(hebei, institution)
    changes = feed(api, "institutions")["changes"]
    assert isinstance(changes, list)
    mine = [c for c in changes if c["key"] == institution.credit_code]
    assert [c["tombstone"] for c in mine] == [False, True]
    assert mine[0]["payload"]["name"] == "新名"
    assert [c["id"] for c in changes] == sorted(c["id"] for c in changes)


def test_a_rolled_back_change_leaves_no_event() -> None:
    hebei = factories.regulator("13")
    beijing = factories.institution("11")
    before = Event.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - the scope check refuses
        registry.save_institution(hebei, beijing)
    assert Event.objects.count() == before


def test_paging_by_cursor_never_repeats(api: Client) -> None:
    with transaction.atomic():
        for n in range(7):
            record("institutions", f"K{n}", {"n": n})
    seen: list[int] = []
    cursor, more = 0, True
    while more:
        page = feed(api, "institutions", cursor, 3)
        seen += [c["id"] for c in page["changes"]]  # type: ignore[attr-defined]
        cursor, more = int(page["cursor"]), bool(page["more"])  # type: ignore[call-overload]
    assert len(seen) == len(set(seen)) == 7
    assert feed(api, "institutions", cursor)["changes"] == []


def test_certificate_status_change_is_a_typed_event(api: Client) -> None:
    certificate = cert_factories.certificate("13")
    certificates.suspend_certificate(factories.regulator("13"), certificate, "暂停原因说明")
    changes = [c for c in feed(api, "certificates")["changes"] if c["key"] == certificate.number]  # type: ignore[attr-defined]
    assert [c["payload"]["status"] for c in changes][-1] == "suspended"
    assert changes[-1]["type"] == "certificate.status_changed"
    assert changes[0]["type"] == ""


def test_feed_refuses_unknown_kinds_bad_cursors_and_private_kinds() -> None:
    _c, token = clients.create_client(None, name="public-reader", scope="read-public")
    public = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert public.get("/api/changes/nothing").status_code == 404
    assert public.get("/api/changes/institutions", {"since": -1}).status_code == 422
    assert public.get("/api/changes/institutions", {"limit": 5000}).status_code == 422
    assert public.get("/api/changes/findings").status_code == 403
    assert Client().get("/api/changes/institutions").status_code == 401


def test_a_bulk_import_appears_in_the_feeds(api: Client) -> None:
    from django.contrib.auth.models import User

    from ticcoop.certificates.importing import import_registry
    from ticcoop.certificates.tests.test_import import workbook

    data, codes, numbers = workbook()
    root = User.objects.create_superuser("root", "r@example.invalid", "x")
    assert import_registry(root, "registry.xlsx", data, dry_run=False).errors == []
    certificate_keys = {c["key"] for c in feed(api, "certificates")["changes"]}  # type: ignore[attr-defined]
    institution_keys = {c["key"] for c in feed(api, "institutions")["changes"]}  # type: ignore[attr-defined]
    assert set(numbers) <= certificate_keys
    assert set(codes) <= institution_keys
