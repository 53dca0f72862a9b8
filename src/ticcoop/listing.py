"""Paging a text search over a large listing without sorting or counting every match.

A search page is read in a few index-backed queries whatever the term:

* the matches are fetched unordered, at most ``EXACT_LIMIT`` + 1 of them (the database
  stops there); if that is all of them, the count is exact and the page is those ids in
  listing order;
* otherwise the term is broad and its first pages lie near the top of the listing index, so
  the page is read off that index, and the count is shown as "more than ``EXACT_LIMIT``".

Used by the certificate search and the institution search (each with a normalised search
column and a listing index that matches its order).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import QuerySet

EXACT_LIMIT = 2000
PLANNER_SETTINGS = ("enable_seqscan", "enable_bitmapscan")


@dataclass
class SearchPage:
    """One page of a search, as the page templates and the API show it."""

    items: list[Any]
    number: int
    size: int
    count: int  # exact, or EXACT_LIMIT meaning "more than" when not count_is_exact
    count_is_exact: bool
    has_next: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def num_pages(self) -> int | None:
        return _pages(self.count, self.size) if self.count_is_exact else None


def _pages(count: int, size: int) -> int:
    return max(1, -(-count // size))


def search_page(
    listing: QuerySet[Any],
    matching: QuerySet[Any] | None,
    page: int,
    size: int,
    shape: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None,
) -> SearchPage:
    """Page ``page`` (1-based) of ``matching`` (``listing`` narrowed by a search term, or
    None for no term); ``listing`` is ordered by its listing index.  ``shape`` (e.g. a
    ``values()``) is applied to the queries that read the page's items only: applied to the
    listing itself, its joins stayed in the query of the matching ids too (issue 17)."""
    items_of = shape or (lambda queryset: queryset)
    if matching is None:
        count = listing.count()
        number = min(max(page, 1), _pages(count, size))
        items = list(items_of(listing)[(number - 1) * size : number * size])
        return SearchPage(items, number, size, count, True, number * size < count)
    ids, in_order = _matching_ids(listing, matching)
    if len(ids) <= EXACT_LIMIT:
        number = min(max(page, 1), _pages(len(ids), size))
        shown = slice((number - 1) * size, number * size)
        items = list(
            items_of(listing.filter(pk__in=ids[shown]))
            if in_order
            else items_of(listing.filter(pk__in=ids))[shown]
        )
        return SearchPage(items, number, size, len(ids), True, number * size < len(ids))
    number = max(page, 1)
    with walking_listing_index():
        items = list(items_of(matching)[(number - 1) * size : number * size + 1])
    return SearchPage(items[:size], number, size, EXACT_LIMIT, False, len(items) > size)


def _matching_ids(listing: QuerySet[Any], matching: QuerySet[Any]) -> tuple[list[int], bool]:
    """Up to ``EXACT_LIMIT`` + 1 ids of matches, and whether they are in listing order.

    On PostgreSQL they are: the first ``EXACT_LIMIT`` + 1 matches (unordered, so the search
    index stops there) are sorted by the listing's columns in a query around them, and the
    page is then read by its own ids.  Asking instead for the page among all those ids
    (``pk IN (…2,000 ids…) ORDER BY … LIMIT``) let the planner walk the listing index testing
    each row against the id list: 12–25 ms of database time per search at 100,000
    certificates, and ~4 ms of Python to bind 2,000 parameters (issue 17).  SQLite walks its
    index well for that query, so it keeps it.
    """
    first = matching.order_by()
    database = connections[first.db]  # the routed one (a replica for anonymous reads)
    if database.vendor != "postgresql":
        return list(first.values_list("pk", flat=True)[: EXACT_LIMIT + 1]), False
    keys = [str(name) for name in listing.query.order_by]  # field names, "-" for descending
    columns = ["pk", *(key.lstrip("-") for key in keys)]
    sql, params = first.values_list(*columns)[: EXACT_LIMIT + 1].query.sql_with_params()
    aliases = [f"c{index}" for index in range(len(columns))]
    order = [
        f"c{index} DESC" if key.startswith("-") else f"c{index}"
        for index, key in enumerate(keys, 1)
    ]
    with database.cursor() as cursor:
        # Safe: besides the compiled query (its values are parameters) only generated aliases.
        cursor.execute(
            f"SELECT c0 FROM ({sql}) AS matches ({', '.join(aliases)}) ORDER BY {', '.join(order)}",  # noqa: S608
            params,
        )
        return [row[0] for row in cursor.fetchall()], True


@contextmanager
def walking_listing_index() -> Iterator[None]:
    """Have PostgreSQL read a broad search's page off the listing index.

    Its estimate for ``LIKE '%…%'`` is far too low for a broad term, so it would fetch every
    match through the trigram index and sort them all (0.3 s on 100,000 certificates for a
    term that all of them match, against 5 ms on the listing index).  The caller knows the
    term is broad, so sequential and bitmap scans are switched off for this block, then
    restored.  SQLite already walks the index for ORDER BY … LIMIT.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"current_setting('{n}')" for n in PLANNER_SETTINGS))
        previous = cursor.fetchone()
        for name in PLANNER_SETTINGS:
            cursor.execute("SELECT set_config(%s, 'off', true)", [name])
        yield
        for name, value in zip(PLANNER_SETTINGS, previous, strict=True):
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
