"""Updating many rows at once, field by field, with one prepared statement.

Django's ``bulk_update`` writes ``SET col = CASE WHEN id=1 THEN … WHEN id=2 THEN … END`` for
every field of every batch; building and compiling those expressions dominated a 100,000-row
registry import (27 of 49 s in a profile).  ``executemany`` of a plain
``UPDATE … SET … WHERE id = %s`` does the same work in a fraction of the time.  Like
``bulk_update`` it bypasses ``save()`` and signals, so callers own any derived data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connection
from django.db.models import Field, Model


def update_rows(objects: Sequence[Model], field_names: Sequence[str]) -> None:
    """Write ``field_names`` of every object (all of one model) to its row."""
    if not objects:
        return
    meta = objects[0]._meta
    fields = [cast("Field[Any, Any]", meta.get_field(name)) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.get_attname_column()[1])} = %s" for f in fields)
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
