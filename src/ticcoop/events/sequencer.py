"""Feed positions: commit order without serialising the writers.

Writers insert events without any lock; on PostgreSQL a trigger stamps each row with its
transaction's id (``txid``, xid8). A reader first runs :func:`sequence`: under a lock that only
readers take, it numbers the unnumbered events whose transaction id lies below the *horizon*
(:func:`horizon`: the oldest transaction of this database still running). Every transaction
below the horizon has ended, so no event with such an id can appear later; events above it
wait (even if already committed) until every older transaction has ended. Numbers are
given in (txid, id) order after the highest number so far, so positions only grow and a
reader that has seen position N never later finds a smaller one: no change is skipped or
repeated, however the writers' commits overtake each other.

The price is latency, not throughput: while any writing transaction of this database that
began earlier is still open (a long import, a forgotten ``psql`` session), newer events stay
unnumbered.
SQLite serialises writers itself: there an event's position is its id.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from ticcoop.events.models import Event

# Any fixed 64-bit number of our own: readers take it while numbering (writers never do).
FEED_LOCK_KEY = 7_315_001_515

TABLE = Event._meta.db_table

_NUMBER_PG = f"""
WITH base AS (SELECT coalesce(max(position), 0) AS top FROM {TABLE}),
todo AS (
    SELECT id, row_number() OVER (ORDER BY txid, id) AS n FROM {TABLE}
    WHERE position IS NULL
      AND (txid < %s OR txid = pg_current_xact_id_if_assigned()::text::bigint)
)
UPDATE {TABLE} AS e SET position = base.top + todo.n FROM todo, base WHERE e.id = todo.id
"""  # noqa: S608 - the table name is ours, no user input


def horizon(cursor: Any) -> int:
    """A transaction id below which every transaction *of this database* has ended.

    ``pg_snapshot_xmin`` would do, but it counts the whole cluster: an idle transaction in
    another database would hold our feeds back. So: the snapshot's xmax (every later transaction
    starts above it), lowered to the oldest transaction of this database still running
    (``pg_stat_activity.backend_xid``, 32 bits: widened against xmax). The database role must
    see every session's ``backend_xid`` in its database (its own sessions, or pg_read_all_stats).
    """
    cursor.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
    (top,) = cursor.fetchone()
    cursor.execute("SELECT pg_stat_clear_snapshot()")  # no cached activity from earlier reads
    cursor.execute(
        "SELECT backend_xid::text::bigint FROM pg_stat_activity"
        " WHERE datname = current_database() AND backend_xid IS NOT NULL"
    )
    low, found = int(top), int(top)
    for (xid,) in cursor.fetchall():
        behind = (int(top) - int(xid)) % 2**32
        if 0 < behind < 2**31:  # started before xmax (else: after it, so above the horizon)
            low = min(low, found - behind)
    return low


def sequence() -> int:
    """Number the events whose transactions (and all older ones) have ended; how many.

    The reader's own transaction's events are numbered too (they commit together with their
    numbers; the lock, held to the end of that transaction, keeps other numbering out)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FEED_LOCK_KEY])
            cursor.execute(_NUMBER_PG, [horizon(cursor)])
        else:
            cursor.execute(f"UPDATE {TABLE} SET position = id WHERE position IS NULL")  # noqa: S608
        return int(cursor.rowcount or 0)
