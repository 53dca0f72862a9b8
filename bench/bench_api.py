"""Machine API: change-feed read throughput and webhook delivery throughput.

A throw-away site (temporary SQLite database unless BENCH_DATABASE_URL names another, e.g.
postgres://postgres@127.0.0.1:5432/bench_api_i15 — it is created and dropped by the test runner's
helpers, so give a name nobody else uses):

1. BENCH_CHANGES (20,000) certificate events written 100 per transaction; then the feed read
   through the HTTP API (in-process test client, a bearer token, pages of 1,000): changes/s;
2. BENCH_DELIVERIES (500) webhook deliveries, signed and sent by the job runner (Huey's
   immediate mode) to a local receiver on 127.0.0.1: deliveries/s;
3. PostgreSQL only: BENCH_WRITERS (4) concurrent writer threads commit BENCH_WRITES (4,000)
   one-event transactions, each holding the transaction BENCH_HOLD_MS (0, then 2) ms after the
   event (the rest of a service's work), once as ``events.record`` does now (no feed lock: the
   readers' sequencer orders by transaction) and once as the reference, the previous design
   (a transaction-level advisory lock before each event insert): changes/s and the ratio.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

CHANGES = int(os.environ.get("BENCH_CHANGES", "20000"))
DELIVERIES = int(os.environ.get("BENCH_DELIVERIES", "500"))
WRITERS = int(os.environ.get("BENCH_WRITERS", "4"))
WRITES = int(os.environ.get("BENCH_WRITES", "4000"))


def concurrent_writes(locked: bool, hold_ms: float) -> tuple[float, float]:
    """WRITES one-event transactions from WRITERS threads: (wall seconds, process CPU seconds)."""
    import threading

    from django.db import connection, connections, transaction

    from ticcoop.events import record
    from ticcoop.events.sequencer import FEED_LOCK_KEY

    def writer(number: int) -> None:
        try:
            for n in range(WRITES // WRITERS):
                with transaction.atomic():
                    if locked:  # the previous design: event inserts serialised until commit
                        with connection.cursor() as cursor:
                            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FEED_LOCK_KEY])
                    record("findings", f"b{number}-{n}", {"n": n})
                    if hold_ms:
                        time.sleep(hold_ms / 1000)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    cpu, started = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    folder = tempfile.mkdtemp(prefix="bench_api_")
    os.environ.setdefault("TICCOOP_VAR_DIR", folder)
    os.environ.setdefault(
        "DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticcoop.config.settings")
    os.environ["TICCOOP_API_RATE_CLIENT"] = str(10**9)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from ticcoop.apiclients import services as clients
    from ticcoop.apiclients.tests.receiver import Receiver
    from ticcoop.events import record, webhooks
    from ticcoop.events.models import Event
    from ticcoop.regions.models import Region

    settings.HUEY.immediate = True
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    region = Region.objects.get(code="13")
    _client, token = clients.create_client(None, name="bench", scope="read-region", region=region)

    started = time.perf_counter()
    for start in range(0, CHANGES, 100):
        with transaction.atomic():
            for n in range(start, min(start + 100, CHANGES)):
                record("certificates", f"C{n:07d}", {"status": "valid", "version": 1})
    written = time.perf_counter() - started

    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    cursor, more, read = 0, True, 0
    started = time.perf_counter()
    while more:
        page = api.get("/api/changes/certificates", {"since": cursor, "limit": 1000}).json()
        read += len(page["changes"])
        cursor, more = page["cursor"], page["more"]
    reading = time.perf_counter() - started
    assert read == CHANGES, (read, CHANGES)
    print(f"feed write: {CHANGES} changes in {written:.1f} s = {CHANGES / written:,.0f} changes/s")
    print(f"feed read:  {read} changes in {reading:.2f} s = {read / reading:,.0f} changes/s")

    with Receiver() as receiver:
        webhooks.subscribe(None, _client, receiver.url, ["certificate.status_changed"])
        with transaction.atomic():
            events = [
                Event.objects.create(
                    kind="certificates", key=f"W{n}", type="certificate.status_changed"
                )
                for n in range(DELIVERIES)
            ]
        started = time.perf_counter()
        for event in events:
            webhooks.fan_out(event.pk)
        sending = time.perf_counter() - started
        assert len(receiver.received) == DELIVERIES, len(receiver.received)
    print(f"webhooks:   {DELIVERIES} deliveries in {sending:.2f} s = {DELIVERIES / sending:,.0f}/s")

    from django.db import connection

    if connection.vendor != "postgresql":
        print("writers:    PostgreSQL only (BENCH_DATABASE_URL=postgres://…)")
        return
    for hold_ms in (0.0, 2.0):
        ours, ours_cpu = concurrent_writes(False, hold_ms)
        ref, ref_cpu = concurrent_writes(True, hold_ms)
        print(
            f"writers:    {WRITERS} threads x {WRITES // WRITERS} transactions, "
            f"hold {hold_ms:g} ms: no feed lock {WRITES / ours:,.0f} changes/s "
            f"({ours:.2f} s wall, {ours_cpu:.2f} s CPU); "
            f"reference, feed lock {WRITES / ref:,.0f} changes/s ({ref:.2f} s wall, "
            f"{ref_cpu:.2f} s CPU); ratio {ref / ours:.2f}x"
        )


if __name__ == "__main__":
    main()
