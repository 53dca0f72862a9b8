"""The change feed under concurrent writers on PostgreSQL: no change lost, none repeated.

4 writer threads commit 10,000 changes (each in its own transaction, some lingering before the
commit so commits overtake each other) while a reader pages the feed the whole time. The reader
must end with every committed change exactly once, in feed-position order. Writers take no
feed lock (``events.sequencer``): a test below checks that one writer's open transaction does
not hold up another's commit, only the feed's numbering of the later change.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import connection, connections, transaction

from ticcoop.events import record
from ticcoop.events.models import Event
from ticcoop.events.queries import changes_after

WRITERS = 4
CHANGES = 10_000


def _writer(number: int, errors: list[BaseException]) -> None:
    rng = random.Random(number)
    try:
        for n in range(CHANGES // WRITERS):
            with transaction.atomic():
                record("findings", f"w{number}-{n}", {"writer": number, "n": n})
                if rng.random() < 0.05:
                    time.sleep(rng.random() / 500)  # keep the transaction open a moment
    except BaseException as exc:  # pragma: no cover - reported by the test
        errors.append(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_no_change_lost_or_repeated_with_concurrent_writers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race exists on PostgreSQL")
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_writer, args=(n, errors)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    seen: list[int] = []
    cursor = 0
    while any(t.is_alive() for t in threads):
        rows, cursor, _more = changes_after("findings", cursor, 1000)
        seen += [row.pk for row in rows]
    for thread in threads:
        thread.join()
    waited = time.monotonic()
    while len(seen) < CHANGES and time.monotonic() - waited < 60:
        rows, cursor, _more = changes_after("findings", cursor, 1000)
        seen += [row.pk for row in rows]
    assert not errors
    committed = list(
        Event.objects.filter(kind="findings").order_by("position").values_list("id", flat=True)
    )
    assert len(committed) == CHANGES
    assert len(seen) == len(set(seen)), "a change was served twice"
    assert seen == committed, f"{len(set(committed) - set(seen))} changes were skipped"


def _open_writer(started: threading.Event, release: threading.Event) -> None:
    try:
        with transaction.atomic():
            record("findings", "slow", {"writer": "slow"})
            started.set()
            release.wait(30)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_an_open_transaction_holds_back_later_changes_not_later_writers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the transaction horizon exists on PostgreSQL")
    started, release = threading.Event(), threading.Event()
    slow = threading.Thread(target=_open_writer, args=(started, release))
    slow.start()
    try:
        assert started.wait(30)
        with transaction.atomic():  # commits at once: no feed lock to wait for
            record("findings", "fast", {"writer": "fast"})
        assert slow.is_alive(), "the second writer waited for the first one's commit"
        rows, cursor, _more = changes_after("findings", 0, 100)
        assert rows == [], "a change after an open, older transaction was served too early"
    finally:
        release.set()
        slow.join()
    rows, cursor, _more = changes_after("findings", cursor, 100)
    assert [row.key for row in rows] == ["slow", "fast"]  # transaction order
    assert [row.position for row in rows] == sorted(row.position for row in rows)
