"""Writing the outbox: ``events.record`` inside the transaction that makes the change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction

from ticcoop.bulk import insert_rows
from ticcoop.events.models import Event, Kind
from ticcoop.events.payloads import describe, region_of_users


def record(
    kind: str,
    key: str | models.Model,
    payload: dict[str, Any] | None = None,
    *,
    tombstone: bool = False,
    type: str = "",
) -> Event:
    """Append a change of ``kind`` to the outbox; the caller's transaction commits or drops it.

    Writers take no lock: the event gets its feed position later, from the first reader after
    the transaction ended (``events.sequencer``), so concurrent writers do not wait for each
    other. On PostgreSQL a trigger stamps the row with the writing transaction's id.
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown event kind {kind!r}")
    if isinstance(key, models.Model):
        key, described = describe(kind, key)
        payload = {**described, **(payload or {})}
    if not connection.in_atomic_block:
        raise RuntimeError("events.record must run inside the transaction of the change")
    event = Event.objects.create(
        kind=kind, key=str(key)[:100], payload=payload or {}, tombstone=tombstone, type=type
    )
    if type:
        from ticcoop.events import webhooks

        transaction.on_commit(lambda: webhooks.fan_out(event.pk))
    return event


def record_missed_deadline(
    occasion: str, params: dict[str, Any], users: Iterable[Any], url: str = ""
) -> Event | None:
    """The ``deadline.missed`` event of one missed deadline (once: None when already recorded)."""
    if Event.objects.filter(kind=Kind.DEADLINE, key=occasion[:100]).exists():
        return None
    payload = {**params, "occasion": occasion, "url": url, "region": region_of_users(users)}
    return record(Kind.DEADLINE, occasion, payload, type="deadline.missed")


def on_deadline_missed(
    sender: Any, occasion: str, params: dict[str, Any], users: Any, url: str = "", **_: Any
) -> None:
    """``notices.reminders.deadline_missed``: record the event in the reminder's transaction."""
    record_missed_deadline(occasion, params, users, url)


def record_many(kind: str, objects: Iterable[models.Model]) -> int:
    """One event per object, inserted together (bulk imports); no webhooks."""
    _check(kind)
    rows = [Event(kind=kind, key=key[:100], payload=payload) for key, payload in
            (describe(kind, obj) for obj in objects)]  # fmt: skip
    if rows:
        insert_rows(rows)  # COPY on PostgreSQL (ticcoop.bulk); the trigger stamps each txid
    return len(rows)


def _check(kind: str) -> None:
    if kind not in Kind.values:
        raise ValueError(f"unknown event kind {kind!r}")
    if not connection.in_atomic_block:
        raise RuntimeError("events.record must run inside the transaction of the change")
