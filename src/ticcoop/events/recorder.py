"""Writing the outbox: ``events.record`` inside the transaction that makes the change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction

from ticcoop.bulk import insert_rows
from ticcoop.events.models import Event, Kind
from ticcoop.events.payloads import describe

# Any fixed 64-bit number of our own: the key of the advisory lock that serialises event inserts.
FEED_LOCK_KEY = 7_315_001_515


def record(
    kind: str,
    key: str | models.Model,
    payload: dict[str, Any] | None = None,
    *,
    tombstone: bool = False,
    type: str = "",
) -> Event:
    """Append a change of ``kind`` to the outbox; the caller's transaction commits or drops it.

    On PostgreSQL the insert first takes a transaction-level advisory lock, held until the
    transaction ends. So a second writer gets its id only after the first one committed (or
    rolled back): ids then become visible in increasing order, and a feed reader that has seen
    id N will never later find an id below N appear — no change is skipped, none repeated.
    SQLite serialises writers by itself.

    Call it as late in the transaction as possible: the lock is held until the commit, so a
    slow step after it (a PDF, a mail) holds up every other writer's event; and taking row locks
    after it, in an order another transaction takes them before its event, risks a deadlock
    (PostgreSQL detects it and aborts one of the two).
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown event kind {kind!r}")
    if isinstance(key, models.Model):
        key, described = describe(kind, key)
        payload = {**described, **(payload or {})}
    if not connection.in_atomic_block:
        raise RuntimeError("events.record must run inside the transaction of the change")
    _serialise()
    event = Event.objects.create(
        kind=kind, key=str(key)[:100], payload=payload or {}, tombstone=tombstone, type=type
    )
    if type:
        from ticcoop.events import webhooks

        transaction.on_commit(lambda: webhooks.fan_out(event.pk))
    return event


def record_many(kind: str, objects: Iterable[models.Model]) -> int:
    """One event per object, inserted together (bulk imports); no webhooks."""
    _check(kind)
    rows = [Event(kind=kind, key=key[:100], payload=payload) for key, payload in
            (describe(kind, obj) for obj in objects)]  # fmt: skip
    if rows:
        _serialise()
        insert_rows(rows)  # COPY on PostgreSQL (ticcoop.bulk); ids from the sequence, in order
    return len(rows)


def _check(kind: str) -> None:
    if kind not in Kind.values:
        raise ValueError(f"unknown event kind {kind!r}")
    if not connection.in_atomic_block:
        raise RuntimeError("events.record must run inside the transaction of the change")


def _serialise() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FEED_LOCK_KEY])
