"""The database itself refuses to change the audit trail (PostgreSQL; audit migration 0002)."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction

from ticcoop.audit.models import ChainLink
from ticcoop.audit.triggers import TRUNCATE_TRIGGER, set_triggers
from ticcoop.testing import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers are PostgreSQL only"),
]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE auditlog_logentry SET object_repr = 'x'",
        "DELETE FROM auditlog_logentry",
        "UPDATE audit_chainlink SET payload = '{}'",
        "DELETE FROM audit_chainlink",
    ],
)
def test_update_and_delete_of_the_audit_trail_fail(sql: str) -> None:
    factories.institution("11")  # writes a log entry and its link
    assert LogEntry.objects.exists() and ChainLink.objects.exists()
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert LogEntry.objects.exclude(object_repr="x").count() == LogEntry.objects.count()


def test_the_orm_cannot_update_a_log_entry_either() -> None:
    factories.institution("11")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LogEntry.objects.update(object_repr="x")


def test_truncate_fails() -> None:
    # The test database disables only this trigger so that test teardown can flush (conftest).
    set_triggers(connection, TRUNCATE_TRIGGER, enabled=True)
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE auditlog_logentry, audit_chainlink")
