"""examples/sync_certificates.py against a live server: the mirror equals the database."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ticcoop.apiclients import services as clients
from ticcoop.apiclients.tests.test_webhooks import example
from ticcoop.certificates import services as certificates
from ticcoop.certificates.models import Certificate
from ticcoop.certificates.tests import factories as cert_factories
from ticcoop.testing import factories

FIELDS = ("number", "credit_code", "status", "version", "issue_date", "expiry_date")


def database_rows() -> set[tuple[Any, ...]]:
    return {
        (
            c.number,
            c.institution.credit_code,
            c.status,
            c.version,
            str(c.issue_date),
            str(c.expiry_date),
        )
        for c in Certificate.objects.select_related("institution")
    }


def mirror_rows(path: Path) -> set[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        return set(db.execute(f"SELECT {', '.join(FIELDS)} FROM certificate"))  # noqa: S608


def random_changes(rng: random.Random, count: int) -> None:
    actions = [
        certificates.suspend_certificate,
        certificates.restore_certificate,
        certificates.revoke_certificate,
    ]
    for _ in range(count):
        if rng.random() < 0.4:
            cert_factories.certificate(rng.choice(["11", "13", "15"]))
            continue
        certificate = rng.choice(list(Certificate.objects.all()))
        region = certificate.issuer_code
        actor = factories.regulator(certificate.institution.region.code)
        try:
            rng.choice(actions)(actor, certificate, f"随机变更 {region}")
        except Exception:  # noqa: S112 - a refused transition is part of the randomness
            continue


@pytest.mark.django_db(transaction=True)
def test_mirror_equals_the_database(live_server: Any, tmp_path: Path) -> None:
    rng = random.Random(15)
    for code in ("11", "13", "13"):
        cert_factories.certificate(code)
    _client, token = clients.create_client(None, name="mirror", scope="read-public")
    sync = example("sync_certificates")
    path = tmp_path / "mirror.sqlite3"
    random_changes(rng, 6)
    sync.sync(live_server.url, token, str(path))  # full export, then the feed
    assert mirror_rows(path) == database_rows()
    random_changes(rng, 15)
    sync.sync(live_server.url, token, str(path))  # the feed only
    assert mirror_rows(path) == database_rows()
    assert len(database_rows()) >= 3
