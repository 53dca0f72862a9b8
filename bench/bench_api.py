"""Machine API: change-feed read throughput and webhook delivery throughput.

A throw-away site (temporary SQLite database unless BENCH_DATABASE_URL names another, e.g.
postgres://postgres@127.0.0.1:5432/bench_api_i15 — it is created and dropped by the test runner's
helpers, so give a name nobody else uses):

1. BENCH_CHANGES (20,000) certificate events written 100 per transaction; then the feed read
   through the HTTP API (in-process test client, a bearer token, pages of 1,000): changes/s;
2. BENCH_DELIVERIES (500) webhook deliveries, signed and sent by the job runner (Huey's
   immediate mode) to a local receiver on 127.0.0.1: deliveries/s.
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


if __name__ == "__main__":
    main()
