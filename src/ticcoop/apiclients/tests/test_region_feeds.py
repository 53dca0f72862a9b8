"""Feeds of region-owned kinds narrowed to the reader's region (accounts.queries decides)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from ticcoop.accounts.queries import read_region_ids
from ticcoop.accounts.roles import Role
from ticcoop.apiclients import services as clients
from ticcoop.events import record, webhooks
from ticcoop.events.models import Delivery
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def token(name: str, scope: str, region: str | None = "13") -> tuple[Any, Client]:
    client, secret = clients.create_client(
        None, name=name, scope=scope, region=factories.region(region) if region else None
    )
    return client, Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def keys(api: Client, kind: str) -> list[str]:
    response = api.get(f"/api/changes/{kind}")
    assert response.status_code == 200, response.content
    return [change["key"] for change in response.json()["changes"]]


def record_mixed_regions() -> None:
    with transaction.atomic():
        record("tasks", "t11", {"region": "11"})
        record("tasks", "t13", {"region": "13"})
        record("findings", "f11", {"region": "11", "inspecting_region": "15"})
        record("findings", "f11-by-13", {"region": "11", "inspecting_region": "13"})
        record("findings", "f13", {"region": "13", "inspecting_region": "11"})
        record("deadlines", "d11", {"region": "11"})
        record("deadlines", "d13", {"region": "13"})
        record("results", "r11", {"result": "ok"})  # published results: public anyway
        record("institutions", "i11", {"region": "11"})  # the public registry


def test_a_region_13_token_reads_no_region_11_private_rows() -> None:
    record_mixed_regions()
    _client, api = token("hebei-read", "read-region")
    assert keys(api, "tasks") == ["t13"]
    assert keys(api, "findings") == ["f11-by-13", "f13"]  # its inspections, either side
    assert keys(api, "deadlines") == ["d13"]
    assert keys(api, "results") == ["r11"]
    assert keys(api, "institutions") == ["i11"]


def test_an_observer_reads_every_region() -> None:
    record_mixed_regions()
    observer = factories.user(Role.NATIONAL_OBSERVER)
    assert read_region_ids(observer) is None
    browser = Client()
    browser.force_login(observer)
    assert keys(browser, "tasks") == ["t11", "t13"]
    assert keys(browser, "deadlines") == ["d11", "d13"]


def test_regulator_sessions_are_narrowed_like_tokens() -> None:
    record_mixed_regions()
    browser = Client()
    browser.force_login(factories.regulator("11"))
    assert keys(browser, "tasks") == ["t11"]
    assert keys(browser, "findings") == ["f11", "f11-by-13", "f13"]


def test_webhooks_follow_the_same_narrowing(django_capture_on_commit_callbacks: Any) -> None:
    hebei, _api = token("hebei-hooks", "read-region")
    beijing, _api = token("beijing-hooks", "read-region", "11")
    for client in (hebei, beijing):
        webhooks.subscribe(None, client, "http://127.0.0.1:9/hook", ["finding.raised"])
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        event = record("findings", "f11", {"region": "11", "inspecting_region": "15"},
                       type="finding.raised")  # fmt: skip
    assert webhooks.fan_out(event.pk) == 1
    receivers = set(Delivery.objects.values_list("subscription__client__name", flat=True))
    assert receivers == {"beijing-hooks"}
