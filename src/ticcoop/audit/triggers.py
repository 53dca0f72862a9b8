"""Switching the append-only triggers of audit migration 0002 (PostgreSQL only).

Needs the table owner's privilege (ALTER TABLE): for test databases, and for an operator
who must deliberately repair or archive the trail (docs/methods/audit-chain.md).
"""

from __future__ import annotations

from typing import Any

APPEND_ONLY_TABLES = ("auditlog_logentry", "audit_chainlink")
ROW_TRIGGER = "ticcoop_append_only_rows"
TRUNCATE_TRIGGER = "ticcoop_append_only_truncate"


def set_triggers(connection: Any, trigger: str, *, enabled: bool) -> None:
    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            # identifiers are the constants above, never user input
            cursor.execute(f"ALTER TABLE {table} {verb} TRIGGER {trigger}")
