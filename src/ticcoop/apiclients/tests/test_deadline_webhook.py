"""deadline.missed: the reminders' "missed" path records an event, delivered signed, once."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from ticcoop.apiclients import services as clients
from ticcoop.apiclients.tests.receiver import Receiver
from ticcoop.apiclients.tests.test_webhooks import example
from ticcoop.events import webhooks
from ticcoop.events.models import Event
from ticcoop.notices.models import Notice
from ticcoop.notices.reminders import remind
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def test_a_missed_deadline_sends_a_signed_deadline_missed_webhook(
    django_capture_on_commit_callbacks: Any,
) -> None:
    today = date(2026, 3, 16)
    regulator = factories.regulator("13")
    hebei, _token = clients.create_client(
        None, name="hebei-cases", scope="read-region", region=factories.region("13")
    )
    beijing, _token = clients.create_client(
        None, name="beijing-cases", scope="read-region", region=factories.region("11")
    )
    params = {"subject": "result-publication", "ref": "测试对象 #7"}
    with Receiver() as receiver, Receiver() as elsewhere:
        sub = webhooks.subscribe(None, hebei, receiver.url, ["deadline.missed"])
        webhooks.subscribe(None, beijing, elsewhere.url, ["deadline.missed"])
        for _run in range(2):  # the schedule runs again: nothing new
            with django_capture_on_commit_callbacks(execute=True):
                remind(today, "result:7", today - timedelta(days=3), [regulator], params, "/x/")
    assert Notice.objects.filter(user=regulator, key="deadline.missed").count() == 1
    event = Event.objects.get(type="deadline.missed")
    assert event.kind == "deadlines" and event.payload["region"] == "13"
    assert len(receiver.received) == 1 and elsewhere.received == []
    headers, body = receiver.received[0]
    example("verify_webhook").verify(sub.secret, headers, body)
    message = json.loads(body)
    assert message["type"] == "deadline.missed"
    assert message["data"]["occasion"] == "result:7:2026-03-13:missed"
    assert message["data"]["ref"] == "测试对象 #7"


def test_an_upcoming_deadline_records_no_event() -> None:
    today = date(2026, 3, 16)
    remind(today, "result:8", today + timedelta(days=30), [factories.regulator("13")], {})
    assert not Event.objects.filter(type="deadline.missed").exists()
