"""Two writers appending at the same time do not fork the chain (PostgreSQL advisory lock)."""

from __future__ import annotations

import threading

import pytest
from django.apps import apps
from django.db import connection, connections, transaction

from ticcoop.audit.chain import append_records
from ticcoop.audit.models import ChainLink
from ticcoop.audit.verify import verify_chain
from ticcoop.testing import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PG"),
]


def test_concurrent_appends_make_one_chain() -> None:
    institution = factories.institution("11")
    model = apps.get_model("registry", "Institution")
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            start.wait()
            for _ in range(10):
                with transaction.atomic():
                    append_records(model, [institution.pk])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(ChainLink.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert ChainLink.objects.filter(table="registry.institution").count() == 40
    problems = verify_chain()
    # Institution is not a chained table: only its 40 links are reported as such
    assert {p.message for p in problems} == {"链环指向未纳入审计链的数据表"}
