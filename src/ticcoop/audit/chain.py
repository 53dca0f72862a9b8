"""Appending to the audit hash chain, in the transaction that writes the record.

Chained tables (``CHAINED``): the audit log itself and every published record.  A save or
delete of one of them appends a link through the model signals; writes that skip signals
(``bulk_create``, ``QuerySet.update``) call :func:`append_records` themselves.  The payload
is read back from the database (not taken from the Python object) so that it is exactly
what ``ticcoop audit verify`` will read later (decimal scale, time zone, JSON round trip).

Appends are serialised so that two writers cannot fork the chain: on PostgreSQL a
transaction-level advisory lock held until commit; on SQLite the platform's ``BEGIN
IMMEDIATE`` transactions already admit one writer at a time.  The unique ``seq`` makes a
fork impossible even if a writer bypassed the lock: the second insert fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Field
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from ticcoop.audit.models import ChainLink
from ticcoop.digesting import current_algorithm
from ticcoop.methods.chain import GENESIS, link_hash, payload_json

#: Model labels whose every write is chained: the audit trail and the published records
#: (certificate versions, the four public notices of 双随机 — items, plans, draws, results —
#: PT evaluations and reports, competition results and award certificates).
CHAINED = (
    "auditlog.logentry",
    "certificates.certificateversion",
    "supervision.inspectionitem",
    "supervision.inspectionplan",
    "supervision.draw",
    "supervision.taskresult",
    "proficiency.evaluationrun",
    "proficiency.measurandevaluation",
    "proficiency.score",
    "proficiency.report",
    "competitions.result",
    "competitions.award",
)
# "ticc" — any constant; only chain appends take this advisory lock.
ADVISORY_LOCK_KEY = 0x74696363
CHUNK = 1000
SEAL_CHUNK = 10 * CHUNK


def chained_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in CHAINED]


def columns_of(model: type[models.Model]) -> list[tuple[str, str]]:
    """(attribute, column) of every stored field, the payload's keys being the columns."""
    return [(f.attname, f.column) for f in model._meta.concrete_fields]


def stored_rows(
    model: type[models.Model],
    queryset: models.QuerySet[Any] | None = None,
    algorithm: str = "sha256",
) -> Iterator[tuple[str, str]]:
    """(primary key as text, canonical payload) of every row of ``queryset``, in pk order;
    ``algorithm`` digests binary columns (the link's algorithm)."""
    columns = columns_of(model)
    rows = (queryset if queryset is not None else model._base_manager.all()).order_by("pk")
    pk_name = model._meta.pk.attname
    for row in rows.values(*(a for a, _c in columns)).iterator(chunk_size=2000):
        yield str(row[pk_name]), payload_json({c: row[a] for a, c in columns}, algorithm)


def head() -> tuple[int, str]:
    """(sequence number, hash) of the last link; (0, 64 zeros) for an empty chain."""
    last = ChainLink.objects.order_by("-seq").values_list("seq", "hash").first()
    return last if last is not None else (0, GENESIS)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def append_records(model: type[models.Model], pks: Sequence[Any], *, deleted: bool = False) -> None:
    """Append one link per primary key with the record's stored content (null if deleted)."""
    if not pks:
        return
    label = model._meta.label_lower
    algorithm = current_algorithm()  # TICCOOP_DIGEST_ALGORITHM: each link names its own
    with transaction.atomic():
        _lock()
        seq, prev = head()
        for start in range(0, len(pks), CHUNK):
            chunk = [str(pk) for pk in pks[start : start + CHUNK]]
            payloads: dict[str, str] = {}
            if not deleted:
                chunk_rows = model._base_manager.filter(pk__in=chunk)
                payloads = dict(stored_rows(model, chunk_rows, algorithm))
            links = []
            for key in chunk:
                seq += 1
                payload = payloads.get(key, "null")
                digest = link_hash(seq, prev, label, key, payload, algorithm)
                links.append((seq, label, key, payload, prev, digest))
                prev = digest
            _insert(links)


_LINK_COLUMNS = ("seq", "table", "record_pk", "payload", "prev_hash", "hash", "created_at")


def _insert(links: list[tuple[int, str, str, str, str, str]]) -> None:
    """``COPY`` on PostgreSQL, one ``executemany`` elsewhere, instead of ``bulk_create``:
    building a model and compiling an INSERT per link took most of the time the chain added
    to a 10,000-row import."""
    meta = ChainLink._meta
    quote = connection.ops.quote_name
    fields = [cast("Field[Any, Any]", meta.get_field(name)) for name in _LINK_COLUMNS]
    names = ", ".join(quote(field.column) for field in fields)
    created = fields[-1].get_db_prep_save(timezone.now(), connection)
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY (psycopg 3): the fastest way in
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for link in links:
                    copy.write_row((*link, created))
            return
        placeholders = ", ".join(["%s"] * len(_LINK_COLUMNS))
        # identifiers come from the model's metadata; every value is a query parameter
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        cursor.executemany(sql, [(*link, created) for link in links])


def seal_unlinked(models_: Iterable[type[models.Model]] | None = None) -> int:
    """Chain every record of a chained table that has no link yet; the number chained.

    For records written before the chain existed (run once after upgrading) and for bulk
    demo data.  A record changed behind the platform's back keeps its old link, so
    ``verify`` still reports it: sealing never hides a change.
    """
    count = 0
    for model in models_ if models_ is not None else chained_models():
        label = model._meta.label_lower
        linked = set(ChainLink.objects.filter(table=label).values_list("record_pk", flat=True))
        # in key order, SEAL_CHUNK keys at a time: the same links as all at once, without
        # holding every key of a million-row table
        keys = model._base_manager.order_by("pk").values_list("pk", flat=True)
        missing: list[Any] = []
        for pk in keys.iterator(chunk_size=SEAL_CHUNK):
            if str(pk) not in linked:
                missing.append(pk)
            if len(missing) == SEAL_CHUNK:
                append_records(model, missing)
                count, missing = count + len(missing), []
        append_records(model, missing)
        count += len(missing)
    return count


def _on_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    append_records(sender, [instance.pk])


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    append_records(sender, [instance.pk], deleted=True)


def connect_signals() -> None:
    for model in chained_models():
        uid = f"ticcoop-audit-chain-{model._meta.label_lower}"
        post_save.connect(_on_save, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_on_delete, sender=model, dispatch_uid=uid, weak=False)
