"""Certificate search key: one normalised column answers every kind of public search.

The key joins what the public searches by — certificate number, the holder's credit code and
name, every scope parameter and standard code — normalised the same way as the query
(:func:`normalise`: NFKC, so full-width "ＧＢ／Ｔ" is "GB/T"; upper case; no whitespace, so
"GB/T5750" finds "GB/T 5750"), so a single ``LIKE '%…%'`` on one column of the certificate
table finds a certificate by any of them.  PostgreSQL answers it from a pg_trgm GIN index
(migration 0004); SQLite scans the column.  Before, each kind of search was a
subquery on its own table, OR-ed together, and the database checked every certificate
against all of them.

The key is derived data, kept current in three places: ``services.new_version`` (every
certificate change, including the bulk import and the demo data, which build versions with
it), the ``Institution`` ``post_save`` signal (a renamed holder, see ``apps.py``) and
:func:`refresh_search_keys_of_holders` after the import's signal-less update of holders.
``stale_search_keys`` lets a test or an operator check that nothing was missed.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from ticcoop.bulk import update_rows
from ticcoop.certificates.models import Certificate, ScopeItem

SEPARATOR = "|"
CHUNK = 2000


def normalise(text: str) -> str:
    """The form both keys and queries are compared in (the separator cannot occur in it)."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(folded.split()).replace(SEPARATOR, "")


def search_key(number: str, credit_code: str, name: str, scope: Iterable[tuple[str, str]]) -> str:
    """``|NUMBER|CODE|NAME|PARAMETER|STANDARD|…|``, each part once, in order of first use."""
    parts = [number, credit_code, name]
    for parameter, standard_code in scope:
        parts += [parameter, standard_code]
    normalised = (normalise(part) for part in parts)
    return SEPARATOR + SEPARATOR.join(dict.fromkeys(p for p in normalised if p)) + SEPARATOR


def _stale(certificates: QuerySet[Certificate]) -> Iterator[tuple[int, str, str]]:
    """(pk, number, the key its data gives) of every certificate whose stored key differs."""
    ids = list(certificates.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        scope: dict[int, list[tuple[str, str]]] = defaultdict(list)
        rows = ScopeItem.objects.filter(certificate_id__in=chunk).order_by(
            "certificate_id", "position", "pk"
        )
        for certificate_id, parameter, standard_code in rows.values_list(
            "certificate_id", "parameter", "standard_code"
        ):
            scope[certificate_id].append((parameter, standard_code))
        holders = Certificate.objects.filter(pk__in=chunk).values_list(
            "pk", "number", "search_key", "institution__credit_code", "institution__name"
        )
        for pk, number, stored, code, name in holders:
            key = search_key(number, code, name, scope[pk])
            if key != stored:
                yield pk, number, key


def refresh_search_keys_of_holders(institution_ids: Iterable[int]) -> int:
    """Recompute the keys of these institutions' certificates after the holders changed name
    or credit code without ``save()`` (signal-less bulk writes); returns how many changed."""
    held = Certificate.objects.filter(institution_id__in=list(institution_ids))
    stale = [Certificate(pk=pk, search_key=key) for pk, _number, key in _stale(held)]
    update_rows(stale, ["search_key"])
    return len(stale)


def stale_search_keys() -> list[str]:
    """Numbers of certificates whose stored key is not what their data gives (should be [])."""
    return [number for _pk, number, _key in _stale(Certificate.objects.all())]
