"""Cached public API answers (ticcoop.config.public_cache): served from the cache until
anything they are made of changes; a revoked certificate is never shown valid from it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from ticcoop.bulk import update_rows
from ticcoop.certificates import services
from ticcoop.certificates.models import Certificate
from ticcoop.certificates.tests import factories as cf
from ticcoop.testing import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]


@pytest.fixture
def cache_on() -> object:
    cache.clear()
    with override_settings(TICCOOP_PUBLIC_CACHE_SECONDS=60):
        yield
    cache.clear()


def verify(token: str) -> tuple[bool, dict[str, object]]:
    """(served from the cache, the answer)."""
    response = Client().get("/api/certificates/verify", {"token": token})
    assert response.status_code == 200
    return response.get("X-Cache") == "hit", response.json()


def test_a_revoked_certificate_is_never_valid_from_the_cache() -> None:
    certificate = cf.certificate("13")
    token = certificate.versions.get().token
    assert verify(token) == (False, verify(token)[1])
    hit, answer = verify(token)
    assert hit and answer["current_status"] == "valid"
    services.revoke_certificate(factories.regulator("13"), certificate, "现场核查不符合")
    hit, answer = verify(token)
    assert not hit and answer["current_status"] == "revoked"
    hit, answer = verify(token)
    assert hit and answer["current_status"] == "revoked"


def test_search_answers_follow_a_status_change_and_a_rename() -> None:
    certificate = cf.certificate("11")
    url = f"/api/certificates?q={certificate.number}"
    Client().get(url)
    cached = Client().get(url)
    assert cached["X-Cache"] == "hit" and cached.json()["items"][0]["status"] == "valid"
    services.suspend_certificate(factories.regulator("11"), certificate, "暂停")
    fresh = Client().get(url)
    assert "X-Cache" not in fresh and fresh.json()["items"][0]["status"] == "suspended"
    holder = certificate.institution
    holder.name = "改名后的检测公司"
    holder.save()
    assert Client().get(url).json()["items"][0]["institution_name"] == "改名后的检测公司"


def test_bulk_writes_without_signals_invalidate_too() -> None:
    certificate = cf.certificate("12")
    token = certificate.versions.get().token
    verify(token)
    assert verify(token)[0]
    update_rows([Certificate(pk=certificate.pk, status="revoked")], ["status"])
    hit, answer = verify(token)
    assert not hit and answer["current_status"] == "revoked"


def test_signed_in_and_cookie_carrying_requests_are_not_cached() -> None:
    certificate = cf.certificate("14")
    url = f"/api/certificates?q={certificate.number}"
    client = Client()
    client.force_login(factories.regulator("14"))
    client.get(url)
    assert "X-Cache" not in client.get(url)
    language = Client()
    language.cookies["django_language"] = "en"
    language.get(url)
    assert "X-Cache" not in language.get(url)


def test_off_by_default_without_a_shared_cache(settings: object) -> None:
    certificate = cf.certificate("15")
    token = certificate.versions.get().token
    with override_settings(TICCOOP_PUBLIC_CACHE_SECONDS=0):
        verify(token)
        assert verify(token)[0] is False
