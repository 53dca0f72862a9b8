"""Webhooks: signed deliveries verified by the example code, back-off, pause, replay."""

from __future__ import annotations

import importlib.util
import json
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.utils import timezone

from ticcoop.apiclients import services as clients
from ticcoop.apiclients.tests.receiver import Receiver
from ticcoop.certificates import services as certificates
from ticcoop.certificates.tests import factories as cert_factories
from ticcoop.events import webhooks
from ticcoop.events.models import Delivery, DeliveryStatus, Event, Subscription
from ticcoop.notices.models import Notice
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[4] / "examples"


def example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def subscription(url: str, owner: Any = None) -> Subscription:
    client, _token = clients.create_client(
        None, name="hebei-credit", scope="read-region", region=factories.region("13"), owner=owner
    )
    return webhooks.subscribe(None, client, url, ["certificate.status_changed"])


def suspend(capture: Any) -> None:
    certificate = cert_factories.certificate("13")
    with capture(execute=True):
        certificates.suspend_certificate(factories.regulator("13"), certificate, "暂停原因说明")


def test_delivery_is_signed_and_verified_by_the_example(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with Receiver() as receiver:
        sub = subscription(receiver.url)
        suspend(django_capture_on_commit_callbacks)
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    example("verify_webhook").verify(sub.secret, headers, body)
    assert json.loads(body)["type"] == "certificate.status_changed"
    with pytest.raises(ValueError):
        example("verify_webhook").verify(sub.secret, headers, body + b" ")
    delivery = Delivery.objects.get(subscription=sub)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)


def test_failing_endpoint_backs_off_then_fails_and_pauses(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TICCOOP_WEBHOOK_ATTEMPTS = 3
    settings.TICCOOP_WEBHOOK_PAUSE_AFTER = 2
    settings.TICCOOP_WEBHOOK_BACKOFF_SECONDS = 30
    owner = factories.regulator("13")
    with Receiver(status=500) as receiver:
        sub = subscription(receiver.url, owner=owner)
        for _ in range(2):
            suspend(django_capture_on_commit_callbacks)
            delivery = Delivery.objects.filter(subscription=sub).order_by("id").last()
            assert delivery is not None
            gaps = []
            while delivery.status == DeliveryStatus.RETRYING:
                assert delivery.next_attempt_at is not None
                gaps.append(delivery.next_attempt_at)
                later = delivery.next_attempt_at + timedelta(seconds=1)
                assert webhooks.retry_due(later - timedelta(seconds=2)) == 0  # not yet due
                with django_capture_on_commit_callbacks(execute=True):
                    assert webhooks.retry_due(later) == 1
                delivery.refresh_from_db()
            assert delivery.status == DeliveryStatus.FAILED
            assert delivery.attempts == 3 and "500" in delivery.last_error
            assert len(gaps) == 2
    sub.refresh_from_db()
    assert sub.paused_at is not None
    assert Notice.objects.filter(user=owner).exists()
    assert len(receiver.received) == 6


def test_backoff_doubles(settings: Any) -> None:
    settings.TICCOOP_WEBHOOK_BACKOFF_SECONDS = 30
    with Receiver(status=503) as receiver:
        sub = subscription(receiver.url)
        event = Event.objects.create(
            kind="certificates", key="X", type="certificate.status_changed"
        )
        delivery = Delivery.objects.create(subscription=sub, event=event)
        now = timezone.now()
        first = webhooks.attempt(delivery.pk, now)
        assert first.next_attempt_at == now + timedelta(seconds=30)
        second = webhooks.attempt(delivery.pk, now)
        assert second.next_attempt_at == now + timedelta(seconds=60)


def test_replay_sends_again(django_capture_on_commit_callbacks: Any) -> None:
    with Receiver(status=500) as receiver:
        sub = subscription(receiver.url)
        suspend(django_capture_on_commit_callbacks)
        receiver.status = 200
        delivery = Delivery.objects.get(subscription=sub)
        assert delivery.status == DeliveryStatus.RETRYING
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.replay(None, delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(receiver.received) == 2


def test_unknown_event_types_are_refused() -> None:
    client, _t = clients.create_client(None, name="x", scope="read-public")
    with pytest.raises(Exception, match="未知"):
        webhooks.subscribe(None, client, "http://127.0.0.1:9/", ["nonsense"])


def test_a_public_client_cannot_subscribe_to_findings() -> None:
    from django.core.exceptions import PermissionDenied

    client, _t = clients.create_client(None, name="pub", scope="read-public")
    with pytest.raises(PermissionDenied):
        webhooks.subscribe(None, client, "http://127.0.0.1:9/", ["finding.raised"])
    assert webhooks.subscribe(None, client, "http://127.0.0.1:9/", ["draw.published"]).pk


def test_back_office_subscription_gets_a_secret() -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    client, _t = clients.create_client(None, name="adm", scope="read-public")
    root = User.objects.create_superuser("root", "r@example.invalid", "x")
    browser = Client()
    browser.force_login(root)
    response = browser.post(
        "/admin/events/subscription/add/",
        {"client": client.pk, "url": "http://127.0.0.1:9/hook",
         "types": '["certificate.status_changed"]', "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Subscription.objects.get(client=client).secret.startswith("whsec_")
    assert browser.get("/admin/events/delivery/").status_code == 200
    assert browser.get("/admin/events/event/").status_code == 200
