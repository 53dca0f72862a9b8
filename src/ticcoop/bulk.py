"""Writing many rows at once: ``insert_rows`` (COPY on PostgreSQL, one prepared ``executemany``
elsewhere) and ``update_rows`` (one prepared ``UPDATE`` per row, executed together).

Django's ``bulk_create`` builds and compiles a multi-row ``INSERT`` per batch (on SQLite at
most 999 parameters, so a few dozen rows a statement) and its ``bulk_update`` writes
``SET col = CASE WHEN id=1 THEN … END`` for every field of every batch; in a profile of a
100,000-certificate import they took most of the time (bulk_update 27 of 49 s).  Like them,
these helpers bypass ``save()`` and signals, so callers own any derived data (audit entries,
chain links, events).

``insert_rows`` takes the primary keys from the table's own sequence before writing (one
``nextval`` query for the whole set on PostgreSQL; on SQLite the next free ids under the
write lock that ``BEGIN IMMEDIATE`` already holds), so every object has its ``pk`` afterwards,
as with ``bulk_create`` on a backend that returns keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, Model
from django.utils import timezone

COPY_ROWS = 5000


def _fields(model: type[Model], field_names: Sequence[str] | None) -> list[Field[Any, Any]]:
    meta = model._meta
    if field_names is None:  # every stored column the database does not compute itself
        return [cast("Field[Any, Any]", f) for f in meta.concrete_fields if not f.generated]
    return [cast("Field[Any, Any]", meta.get_field(name)) for name in field_names]


#: Field types whose stored value is the Python value itself when it already has this type
#: (get_db_prep_save would only check and return it: 40 % of insert_rows in a profile).
_PLAIN: dict[str, type[Any]] = {
    "CharField": str,
    "TextField": str,
    "BooleanField": bool,
    "IntegerField": int,
    "BigIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveSmallIntegerField": int,
    "PositiveBigIntegerField": int,
    "SmallIntegerField": int,
}
#: The same on PostgreSQL, whose adapters take dates and aware datetimes as they are (SQLite's
#: turn them into text).
_PLAIN_POSTGRESQL: dict[str, type[Any]] = {**_PLAIN, "DateField": date, "DateTimeField": datetime}


def _preparer(field: Field[Any, Any]) -> Callable[[Any], Any]:
    """The stored form of a value of ``field``, as ``bulk_create`` would send it."""
    # the real connection, not the django.db.connection proxy (a lookup per attribute)
    db = connections[DEFAULT_DB_ALIAS]
    prep = field.get_db_prep_save
    plain = (_PLAIN_POSTGRESQL if db.vendor == "postgresql" else _PLAIN).get(
        field.get_internal_type()
    )
    if plain is datetime:

        def aware(value: Any) -> Any:  # a naive datetime is made aware by prep (or refused)
            if type(value) is datetime and value.tzinfo is not None:
                return value
            return prep(value, db)

        return aware
    if plain is not None and not field.is_relation:
        return lambda value: value if type(value) is plain else prep(value, db)
    return lambda value: prep(value, db)


def _converter(field: Field[Any, Any]) -> Callable[[Model], Any]:
    """The value ``field`` stores for an object, as ``bulk_create`` would send it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        db = connections[DEFAULT_DB_ALIAS]
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), db)
    attname = field.attname
    prepare = _preparer(field)
    if field.is_relation and field.many_to_one:
        # a related object saved after it was assigned: take its key (as bulk_create does)
        def related(obj: Model) -> Any:
            value = getattr(obj, attname)
            if value is None and field.is_cached(obj):  # type: ignore[attr-defined]
                target = getattr(obj, field.name)
                value = None if target is None else target.pk
                setattr(obj, attname, value)
            return prepare(value)

        return related
    return lambda obj: prepare(getattr(obj, attname))


def _next_ids(model: type[Model], count: int) -> list[int]:
    """``count`` fresh primary keys of ``model``'s table (call inside the writing transaction)."""
    meta = model._meta
    table, column = meta.db_table, meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT coalesce(max({quote(column)}), 0) FROM {quote(table)}")  # noqa: S608
        highest = int(cursor.fetchone()[0])
        if connection.vendor == "sqlite":  # AUTOINCREMENT never reuses a deleted row's id
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, int(row[0]) if row else 0)
        return list(range(highest + 1, highest + 1 + count))


def insert_rows(objects: Sequence[Model]) -> None:
    """Insert new objects (all of one model, primary key unset), giving each its ``pk``."""
    if not objects:
        return
    model = type(objects[0])
    for obj, pk in zip(objects, _next_ids(model, len(objects)), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    fields = _fields(model, None)
    converters = [_converter(f) for f in fields]
    _write(model, fields, ([convert(obj) for convert in converters] for obj in objects))


def insert_values(
    model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert ``rows`` of ``model`` given as plain values of the fields ``names`` (attribute
    names: ``institution_id``), in that order; the new primary keys, in the rows' order.

    ``insert_rows`` without a model object per row (building one cost more than writing it
    in a demo-data profile).  Fields not named take their default, computed once for all
    the rows (``auto_now``/``auto_now_add``: now); values are prepared as ``save()`` would.
    """
    if not rows:
        return []
    pks = _next_ids(model, len(rows))
    fields = _fields(model, None)
    # each row is written as (pk, *row): position 0 is the key, the named values follow
    position = {name: index for index, name in enumerate(names, start=1)}
    position[model._meta.pk.attname] = 0
    unknown = set(position) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model._meta.label} has no stored field {', '.join(sorted(unknown))}")
    db = connections[DEFAULT_DB_ALIAS]
    named: list[tuple[int, Callable[[Any], Any]]] = []
    fixed: dict[int, Any] = {}  # column → the default every row stores
    for column, field in enumerate(fields):
        if field.attname in position:
            named.append((position[field.attname], _preparer(field)))
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed[column] = field.get_db_prep_save(timezone.now(), db)
        else:
            fixed[column] = field.get_db_prep_save(field.get_default(), db)
    template = [fixed.get(column) for column in range(len(fields))]
    slots = [column for column in range(len(fields)) if column not in fixed]

    def stored(row: Sequence[Any]) -> list[Any]:
        values = template.copy()
        for column, (index, prepare) in zip(slots, named, strict=True):
            values[column] = prepare(row[index])
        return values

    _write(model, fields, (stored((pk, *row)) for pk, row in zip(pks, rows, strict=True)))
    return pks


def _write(model: type[Model], fields: list[Field[Any, Any]], rows: Iterable[list[Any]]) -> None:
    """COPY (PostgreSQL) or chunked ``executemany`` of prepared rows of every field."""
    from ticcoop.config.public_cache import invalidate

    invalidate()  # no signals here: cached public answers may show these rows
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(cast(str, f.column)) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's cursor wrapper has no copy(); the psycopg 3 cursor underneath does.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(fields))
        # identifiers come from the model's metadata; every value is a query parameter
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        chunk: list[list[Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == COPY_ROWS:
                cursor.executemany(sql, chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)


def update_rows(objects: Sequence[Model], field_names: Sequence[str]) -> None:
    """Write ``field_names`` of every object (all of one model) to its row."""
    if not objects:
        return
    meta = objects[0]._meta
    fields = _fields(type(objects[0]), field_names)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(cast(str, f.column))} = %s" for f in fields)
    key = quote(meta.pk.get_attname_column()[1])
    # identifiers come from the model; values travel as parameters
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {key} = %s"  # noqa: S608
    rows: list[list[Any]] = [
        [f.get_db_prep_save(getattr(item, f.attname), connection) for f in fields] + [item.pk]
        for item in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    from ticcoop.config.public_cache import invalidate

    invalidate()  # no signals here: cached public answers may show these rows
