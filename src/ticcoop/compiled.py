"""Small hot reads compiled to SQL once per process, not on every request (issue 17).

For the few-row reads of the public pages (verification, the key set), compiling the queryset
was most of the ORM's cost: about 0.7 ms per query against 0.2-0.3 ms to send it and convert
its rows.  A :class:`CompiledQuery` builds its ``values_list`` queryset once per database
alias, with marker values where the request's values go, and keeps the SQL, which parameters
the markers became and the columns' converters.  Each call then executes that same SQL with
the request's values and converts the rows as ``values_list`` does: the query and its answer
are the ORM's own, only the compiling is not repeated.

Markers are strings compared for equality, so a value may only be used where Django passes it
through as a parameter unchanged (exact lookups, ``__in`` of strings); a builder whose
markers do not all come out that way is refused at the first call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (parameter index, value index)
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


class CompiledQuery:
    """``build(*values)`` → a ``values_list`` queryset; ``rows(*values)`` its rows (tuples)."""

    def __init__(
        self, model: type[Model], build: Callable[..., QuerySet[Any]], arity: int = 0
    ) -> None:
        self.model = model
        self.build = build
        self.markers = tuple(f"ticcoop-compiled-marker-{index}" for index in range(arity))
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> _Compiled:
        with self._lock:
            if alias not in self._compiled:
                queryset = self.build(*self.markers)
                if queryset.model is not self.model:
                    raise ValueError(f"the builder reads {queryset.model}, not {self.model}")
                compiler = queryset.query.get_compiler(using=alias)
                sql, params = compiler.as_sql()
                slots = tuple(
                    (position, self.markers.index(param))
                    for position, param in enumerate(params)
                    if isinstance(param, str) and param in self.markers
                )
                if sorted(index for _position, index in slots) != list(range(len(self.markers))):
                    raise ValueError("every marker must be exactly one query parameter")
                columns = [select[0] for select in compiler.select[: compiler.col_count]]
                converters = tuple(
                    (position, tuple(convs), expression)
                    for position, (convs, expression) in compiler.get_converters(columns).items()
                )
                self._compiled[alias] = _Compiled(sql, tuple(params), slots, converters)
            return self._compiled[alias]

    def rows(self, *values: Any) -> list[tuple[Any, ...]]:
        if len(values) != len(self.markers):
            raise TypeError(f"expected {len(self.markers)} values, got {len(values)}")
        # the router's choice, as QuerySet.db makes it for a read of this model
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get(alias) or self._compile(alias)
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = values[index]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched: Sequence[Sequence[Any]] = cursor.fetchall()
        if not compiled.converters:
            return [tuple(row) for row in fetched]
        converted = []
        for row in fetched:
            values_of_row = list(row)
            for position, convs, expression in compiled.converters:
                value = values_of_row[position]
                for converter in convs:
                    value = converter(value, expression, connection)
                values_of_row[position] = value
            converted.append(tuple(values_of_row))
        return converted
