"""Audit entries for bulk writes, which bypass the model signals django-auditlog listens to.

A bulk import writes **one audit entry per changed record** (docs/methods/audit-chain.md):
each record's history in the admin then shows the import like any other change, and the
entry carries the file's SHA-256 so it leads back to the import batch.  Entries are
inserted with ``ticcoop.bulk.insert_rows`` in batches and chained in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from ticcoop.audit.chain import append_written
from ticcoop.bulk import insert_rows

BATCH = 5000


@dataclass(frozen=True)
class RowChange:
    """One created or updated record: ``changes`` maps a field to (old, new)."""

    pk: int
    label: str
    changes: Mapping[str, tuple[Any, Any]]
    created: bool = False


def _text(value: Any) -> str:
    return "None" if value is None else str(value)


def log_rows(
    actor: Any,
    model: type[models.Model],
    rows: Iterable[RowChange],
    additional_data: dict[str, Any] | None = None,
) -> int:
    """Write (and chain) one audit entry per row, as auditlog would have; the number written."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    # auditlog's context variable outlives its block (see accounts.audit): take the request's
    # address from it only when it belongs to this very actor.
    context = auditlog_value.get(None) or {}
    if user is None or getattr(context.get("actor"), "pk", None) != user.pk:
        context = {}
    content_type = ContentType.objects.get_for_model(model)
    common = {
        "content_type": content_type,
        "actor": user,
        "actor_email": getattr(user, "email", None) or None,
        "remote_addr": context.get("remote_addr"),
        "remote_port": context.get("remote_port"),
        "cid": get_cid(),
        "timestamp": timezone.now(),
        "additional_data": additional_data,
        "changes_text": "",
    }
    count = 0
    batch: list[LogEntry] = []
    with transaction.atomic():
        for row in rows:
            changes = {name: [_text(old), _text(new)] for name, (old, new) in row.changes.items()}
            batch.append(
                LogEntry(
                    object_pk=str(row.pk),
                    object_id=row.pk,
                    object_repr=row.label,
                    action=LogEntry.Action.CREATE if row.created else LogEntry.Action.UPDATE,
                    changes=changes,
                    **common,
                )
            )
            if len(batch) == BATCH:
                count += _flush(batch)
        count += _flush(batch)
    return count


def _flush(batch: list[LogEntry]) -> int:
    insert_rows(batch)  # COPY on PostgreSQL, one executemany elsewhere (ticcoop.bulk)
    append_written(batch)  # the payloads from the entries, no reading back
    count = len(batch)
    batch.clear()
    return count
