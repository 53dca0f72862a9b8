"""A sync client starting on a fresh demo database finds the demo's records in the feeds."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from ticcoop.apiclients import services as clients
from ticcoop.apiclients.tests.test_sync_example import database_rows, mirror_rows
from ticcoop.apiclients.tests.test_webhooks import example
from ticcoop.certificates.models import Certificate
from ticcoop.events.models import Event
from ticcoop.events.queries import changes_after
from ticcoop.registry.models import Institution


@pytest.mark.django_db(transaction=True)
def test_the_feeds_mirror_a_fresh_demo(live_server: Any, tmp_path: Path) -> None:
    call_command("demo_data", institutions=12, seed=15)
    assert Certificate.objects.exists()
    institutions, _cursor, _more = changes_after("institutions", 0, 1000)
    assert {e.key for e in institutions} == set(
        Institution.objects.values_list("credit_code", flat=True)
    )
    _client, token = clients.create_client(None, name="demo-mirror", scope="read-public")
    sync = example("sync_certificates")
    path = tmp_path / "mirror.sqlite3"
    with sqlite3.connect(path) as db:  # start from the feed alone: no full export
        db.executescript(sync.SCHEMA)
        db.execute("INSERT INTO sync_state VALUES ('certificates', 0)")
    sync.sync(live_server.url, token, str(path))
    assert mirror_rows(path) == database_rows()
    keys = set(Event.objects.filter(kind="certificates").values_list("key", flat=True))
    assert keys == set(Certificate.objects.values_list("number", flat=True))
