"""Rate limits: per client and per anonymous address, 429 with Retry-After."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from ticcoop.apiclients import services
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limits(settings: Any) -> None:
    settings.TICCOOP_API_RATE_ANON = 3
    settings.TICCOOP_API_RATE_CLIENT = 5
    settings.TICCOOP_API_RATE_WINDOW = 3600
    cache.clear()


def test_anonymous_address_is_limited_with_retry_after() -> None:
    browser = Client(REMOTE_ADDR="10.0.0.7")
    codes = [browser.get("/api/regions").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = browser.get("/api/regions")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    # another address has its own window
    assert Client(REMOTE_ADDR="10.0.0.8").get("/api/regions").status_code == 200


def test_each_client_has_its_own_limit() -> None:
    _c, token = services.create_client(
        None, name="busy", scope="read-region", region=factories.region("13")
    )
    api = Client(REMOTE_ADDR="10.0.0.9", HTTP_AUTHORIZATION=f"Bearer {token}")
    codes = [api.get("/api/regions").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    assert "Retry-After" in api.get("/api/changes/institutions")
    # the address itself (without the token) still has its anonymous allowance
    assert Client(REMOTE_ADDR="10.0.0.9").get("/api/regions").status_code == 200


def test_a_signed_in_person_counts_as_themselves_not_their_address() -> None:
    browser = Client(REMOTE_ADDR="10.0.0.10")
    browser.force_login(factories.regulator("13"))
    codes = [browser.get("/api/regions").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    assert Client(REMOTE_ADDR="10.0.0.10").get("/api/regions").status_code == 200
