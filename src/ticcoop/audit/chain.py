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

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Field
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from ticcoop.audit.models import ChainLink
from ticcoop.digesting import current_algorithm
from ticcoop.methods.chain import GENESIS, MAX_SAFE_INT, fast_dumps, link_hash, payload_json

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

    def read_back(chunk: list[str], algorithm: str) -> dict[str, str]:
        return {} if deleted else _read_back(model, chunk, algorithm)

    _append(model, [str(pk) for pk in pks], read_back)


def append_written(objects: Sequence[models.Model]) -> None:
    """``append_records`` for objects (of one model) this transaction has just inserted.

    A payload is written from the object itself when every value is of a kind that reads
    back from the database unchanged (``_fragment``: text, integers below 2**53, booleans,
    dates, aware datetimes, JSON without floats); otherwise its chunk is read back as
    ``append_records`` does.  The text is what ``payload_json`` gives for the stored row:
    canonical JSON by the C encoder (column names are ASCII, so sorting by code point is
    RFC 8785's order).  Reading 100,000 audit entries back cost ~7 s of an import.
    """
    if not objects:
        return
    model = type(objects[0])
    fields = sorted(model._meta.concrete_fields, key=lambda f: f.column)
    if not all(f.column.isascii() for f in fields):  # a column name the fast path cannot sort
        append_records(model, [obj.pk for obj in objects])
        return
    columns = [(f.attname, f'"{f.column}":', _fragment(f)) for f in fields]
    by_key = {str(obj.pk): obj for obj in objects}

    def from_memory(chunk: list[str], algorithm: str) -> dict[str, str]:
        payloads: dict[str, str] = {}
        for key in chunk:
            obj, parts = by_key[key], []
            for attname, name, fragment in columns:
                text = fragment(getattr(obj, attname))
                if text is None:
                    return _read_back(model, chunk, algorithm)
                parts.append(name + text)
            payloads[key] = "{" + ",".join(parts) + "}"
        return payloads

    _append(model, list(by_key), from_memory)


Payloads = Callable[[list[str], str], dict[str, str]]  # (keys, algorithm) -> key: payload


def _read_back(model: type[models.Model], keys: list[str], algorithm: str) -> dict[str, str]:
    return dict(stored_rows(model, model._base_manager.filter(pk__in=keys), algorithm))


def _append(model: type[models.Model], keys: list[str], payloads_of: Payloads) -> None:
    label = model._meta.label_lower
    algorithm = current_algorithm()  # TICCOOP_DIGEST_ALGORITHM: each link names its own
    with transaction.atomic():
        _lock()
        seq, prev = head()
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            payloads = payloads_of(chunk, algorithm)
            links = []
            for key in chunk:
                seq += 1
                payload = payloads.get(key, "null")
                digest = link_hash(seq, prev, label, key, payload, algorithm)
                links.append((seq, label, key, payload, prev, digest))
                prev = digest
            _insert(links)


Fragment = Callable[[Any], str | None]  # a value -> its JSON text in the payload, or None


def _fragment(field: Any) -> Fragment:
    """How a value of ``field`` appears in its payload, for the kinds of value that read back
    unchanged; None for any other (a decimal keeps its column's scale, an address is
    normalised, a float in JSON may come back as an integer from PostgreSQL's jsonb)."""
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    for kind, fragment in _FRAGMENTS:
        if isinstance(field, kind):
            return fragment
    return _null


def _null(value: Any) -> str | None:
    return "null" if value is None else None


def _text(value: Any) -> str | None:
    # a choices member (a str subclass) is stored, and chained, as its string
    return fast_dumps(value) if isinstance(value, str) else _null(value)


def _integer(value: Any) -> str | None:
    return str(value) if type(value) is int and abs(value) <= MAX_SAFE_INT else _null(value)


def _boolean(value: Any) -> str | None:
    return ("true" if value else "false") if type(value) is bool else _null(value)


def _date(value: Any) -> str | None:
    return f'"{value.isoformat()}"' if type(value) is date else _null(value)


def _datetime(value: Any) -> str | None:
    if type(value) is datetime and value.tzinfo is not None:
        return f'"{value.astimezone(UTC).isoformat()}"'
    return _null(value)


def _json(value: Any) -> str | None:
    """The JSON as the database stores it, if it holds no float, no integer from 2**53 up
    (the payload spells those otherwise) and no character from U+E000 up (RFC 8785 sorts
    keys by UTF-16 code unit; the C encoder by code point)."""
    if value is None:
        return "null"
    try:
        text = fast_dumps(value)
        if not text.isascii() and max(text) >= "\ue000":
            return None
        _NUMBERS_CHECK.decode(text)
    except (TypeError, ValueError):
        return None
    return text


def _reject(literal: str) -> Any:
    raise ValueError(literal)


def _safe_int(literal: str) -> int:
    number = int(literal)
    if abs(number) > MAX_SAFE_INT:
        raise ValueError(literal)
    return number


_NUMBERS_CHECK = json.JSONDecoder(parse_float=_reject, parse_int=_safe_int, parse_constant=_reject)

#: Field classes, most specific first (a DateTimeField is a DateField).
_FRAGMENTS: tuple[tuple[type, Fragment], ...] = (
    (models.JSONField, _json),
    (models.DateTimeField, _datetime),
    (models.DateField, _date),
    (models.CharField, _text),
    (models.TextField, _text),
    (models.BooleanField, _boolean),
    (models.IntegerField, _integer),
)


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
