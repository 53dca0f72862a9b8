"""Webhooks: signed as the Standard Webhooks specification says, sent by the job queue.

Each attempt is one job (``webhook_delivery``); a failed attempt is due again after an
exponential back-off (``TICCOOP_WEBHOOK_BACKOFF_SECONDS`` doubled per attempt) and the
periodic ``retry_due`` starts it. After ``TICCOOP_WEBHOOK_ATTEMPTS`` attempts a delivery has
failed; after ``TICCOOP_WEBHOOK_PAUSE_AFTER`` failed deliveries in a row the subscription is
paused and the client's owner gets an inbox message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import access_region_write
from ticcoop.events.models import WEBHOOK_TYPES, Delivery, DeliveryStatus, Event, Subscription
from ticcoop.events.queries import access_feed, may_read_event
from ticcoop.jobs.services import start_job
from ticcoop.notices.services import notify

JOB_KIND = "webhook_delivery"
TIMEOUT_SECONDS = 10
PAUSED = gettext_noop("Webhook 订阅已暂停（连续投递失败）")


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` with the secret's decoded bytes."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def body_of(event: Event) -> bytes:
    message = {
        "type": event.type,
        "timestamp": event.created_at.isoformat(),
        "data": {"kind": event.kind, "key": event.key, "cursor": event.pk, **event.payload},
    }
    return json.dumps(message, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


# --- writes -------------------------------------------------------------------------------------


# The change feed each webhook type belongs to: a client may subscribe only to what it may read.
TYPE_KIND = {
    "certificate.status_changed": "certificates",
    "draw.published": "draws",
    "result.published": "results",
    "pt_report.published": "pt-rounds",
    "finding.raised": "findings",
    "deadline.missed": "deadlines",
}


def may_receive(client: Any, event_type: str) -> bool:
    try:
        access_feed(client.user, TYPE_KIND[event_type])
    except PermissionDenied:
        return False
    return True


def subscribe(actor: Any, client: Any, url: str, types: list[str]) -> Subscription:
    known = {name for name, _label in WEBHOOK_TYPES}
    unknown = sorted(set(types) - known)
    if not types or unknown:
        raise ValidationError({"types": _("未知的事件类型：%(types)s") % {"types": unknown}})
    if not all(may_receive(client, name) for name in types):
        raise PermissionDenied(_("无权读取该变更流"))
    subscription = Subscription(client=client, url=url, types=sorted(set(types)))
    subscription.secret = new_secret()
    if actor is not None:
        access_region_write(actor, subscription)
    with transaction.atomic(), audit_as(actor):
        subscription.full_clean()
        subscription.save()
    return subscription


def fan_out(event_id: int) -> int:
    """A delivery (and its first job) for every active subscription to the event's type."""
    event = Event.objects.get(pk=event_id)
    count = 0
    with transaction.atomic():
        for subscription in Subscription.objects.filter(
            is_active=True, paused_at__isnull=True, client__is_active=True
        ).select_related("client__user"):
            if event.type in subscription.types and may_read_event(subscription.client.user, event):
                delivery = Delivery.objects.create(subscription=subscription, event=event)
                start_job(None, JOB_KIND, {"delivery": delivery.pk})
                count += 1
    return count


def replay(actor: Any, delivery: Delivery) -> Delivery:
    """Send a delivery again from the start (the back office's replay)."""
    if actor is not None:
        access_region_write(actor, delivery)
    with transaction.atomic(), audit_as(actor):
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = None
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
        start_job(actor, JOB_KIND, {"delivery": delivery.pk})
    return delivery


def retry_due(now: datetime | None = None) -> int:
    """Start the attempts whose back-off has passed (the queue runs this every minute)."""
    moment = now or timezone.now()
    due = list(
        Delivery.objects.filter(
            status=DeliveryStatus.RETRYING,
            next_attempt_at__lte=moment,
            subscription__paused_at__isnull=True,
            subscription__is_active=True,
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        for pk in due:
            start_job(None, JOB_KIND, {"delivery": pk})
    return len(due)


def _post(url: str, body: bytes, headers: dict[str, str]) -> str:
    """'' when the receiver answered 2xx, else the error."""
    if not url.startswith(("http://", "https://")):  # never file: or other schemes
        return "unsupported URL scheme"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return "" if 200 <= response.status < 300 else f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"[:500]


def attempt(delivery_id: int, now: datetime | None = None) -> Delivery:
    """One attempt at a delivery, then its record (and the subscription's) updated."""
    delivery = Delivery.objects.select_related("subscription", "event").get(pk=delivery_id)
    if delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
        return delivery
    subscription = delivery.subscription
    timestamp = int((now or timezone.now()).timestamp())
    body = body_of(delivery.event)
    msg_id = f"msg_{delivery.pk}"
    headers = {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(subscription.secret, msg_id, timestamp, body),
    }
    error = _post(subscription.url, body, headers)
    return _record_attempt(delivery, error, now or timezone.now())


def _record_attempt(delivery: Delivery, error: str, now: datetime) -> Delivery:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        subscription = Subscription.objects.select_for_update().get(pk=delivery.subscription_id)
        delivery.attempts += 1
        delivery.last_error = error
        if not error:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            subscription.failures_in_row = 0
        elif delivery.attempts >= settings.TICCOOP_WEBHOOK_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            subscription.failures_in_row += 1
            if subscription.failures_in_row >= settings.TICCOOP_WEBHOOK_PAUSE_AFTER:
                _pause(subscription, now)
        else:
            delivery.status = DeliveryStatus.RETRYING
            backoff = settings.TICCOOP_WEBHOOK_BACKOFF_SECONDS * 2 ** (delivery.attempts - 1)
            delivery.next_attempt_at = now + timedelta(seconds=backoff)
        delivery.save()
        subscription.save()
    return delivery


def _pause(subscription: Subscription, now: datetime) -> None:
    if subscription.paused_at is not None:
        return
    subscription.paused_at = now
    owner = subscription.client.owner
    if owner is not None:
        params = {"subject": "", "ref": subscription.url, "decision": PAUSED}
        notify(owner, "decision", params, occasion=f"webhook-paused:{subscription.pk}:{now}")


def resume(actor: Any, subscription: Subscription) -> Subscription:
    if actor is not None:
        access_region_write(actor, subscription)
    with transaction.atomic(), audit_as(actor):
        subscription.paused_at = None
        subscription.failures_in_row = 0
        subscription.save(update_fields=["paused_at", "failures_in_row"])
    return subscription
