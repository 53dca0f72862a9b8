"""Audit entries for bulk writes, which bypass the model signals django-auditlog listens to.

Two shapes (docs/methods/audit-chain.md, "Bulk writes"):

- ``log_rows``: **one audit entry per changed record** — each record's history in the admin
  then shows the change like any other (registry imports, tasks, the demo);
- ``log_batch``: **one entry per batch listing every row** — for reference data imported by
  the million (the target directory), where an entry and a chain link per row would triple
  the rows written.  The entry names the rows by their natural key, with each created row's
  values and each changed row's before and after.

Entries are inserted with ``ticcoop.bulk.insert_rows`` and chained in the same transaction.
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
    common = _common(actor, model, additional_data)
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


def log_batch(
    actor: Any,
    model: type[models.Model],
    label: str,
    changes: Mapping[str, Any],
    *,
    created: bool,
    additional_data: dict[str, Any] | None = None,
) -> None:
    """Write (and chain) one audit entry for a batch of rows of ``model``: ``changes`` lists
    them (JSON), ``label`` says which batch; ``created`` when every row is new."""
    action = LogEntry.Action.CREATE if created else LogEntry.Action.UPDATE
    entry = LogEntry(
        object_pk="",  # many rows: ``changes`` names each by its natural key
        object_id=None,
        object_repr=label,
        action=action,
        changes=changes,
        **_common(actor, model, additional_data),
    )
    with transaction.atomic():
        _flush([entry])


def _common(
    actor: Any, model: type[models.Model], additional_data: dict[str, Any] | None
) -> dict[str, Any]:
    """The fields every bulk-written entry of this actor and model shares."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    # auditlog's context variable outlives its block (see accounts.audit): take the request's
    # address from it only when it belongs to this very actor.
    context = auditlog_value.get(None) or {}
    if user is None or getattr(context.get("actor"), "pk", None) != user.pk:
        context = {}
    return {
        "content_type": ContentType.objects.get_for_model(model),
        "actor": user,
        "actor_email": getattr(user, "email", None) or None,
        "remote_addr": context.get("remote_addr"),
        "remote_port": context.get("remote_port"),
        "cid": get_cid(),
        "timestamp": timezone.now(),
        "additional_data": additional_data,
        "changes_text": "",
    }


def _flush(batch: list[LogEntry]) -> int:
    insert_rows(batch)  # COPY on PostgreSQL, one executemany elsewhere (ticcoop.bulk)
    append_written(batch)  # the payloads from the entries, no reading back
    count = len(batch)
    batch.clear()
    return count
