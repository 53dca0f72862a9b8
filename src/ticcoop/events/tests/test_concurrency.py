"""The change feed under concurrent writers on PostgreSQL: no change lost, none repeated.

4 writer threads commit 10,000 changes (each in its own transaction, some lingering before the
commit so commits overtake each other) while a reader pages the feed the whole time. The reader
must end with every committed id exactly once, in increasing order.
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
    while True:
        rows, cursor, _more = changes_after("findings", cursor, 1000)
        if not rows:
            break
        seen += [row.pk for row in rows]
    assert not errors
    committed = list(
        Event.objects.filter(kind="findings").order_by("id").values_list("id", flat=True)
    )
    assert len(committed) == CHANGES
    assert len(seen) == len(set(seen)), "a change was served twice"
    assert seen == committed, f"{len(set(committed) - set(seen))} changes were skipped"
