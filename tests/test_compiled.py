"""ticcoop.compiled.CompiledQuery: the rows are the ORM's, for any value, with current data;
the queryset is compiled once; a builder whose value the ORM would transform is refused."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db.models import QuerySet

from ticcoop.certificates.models import Certificate
from ticcoop.certificates.tests import factories as cf
from ticcoop.compiled import CompiledQuery

pytestmark = pytest.mark.django_db

COLUMNS = ("number", "version", "status", "expiry_date", "issuing_region__code")


def _by_number(number: str) -> QuerySet[Any]:
    return Certificate.objects.filter(number=number).order_by().values_list(*COLUMNS)


def test_rows_are_the_orms_for_every_value_and_the_query_is_compiled_once() -> None:
    certificates = [cf.certificate("11"), cf.certificate("13")]
    built: list[str] = []

    def build(number: str) -> QuerySet[Any]:
        built.append(number)
        return _by_number(number)

    query = CompiledQuery(Certificate, build, arity=1)
    for certificate in certificates:
        rows = query.rows(certificate.number)
        assert rows == list(_by_number(certificate.number))
        assert rows[0][0] == certificate.number and rows[0][4] == certificate.issuer_code
        assert isinstance(rows[0][3], date)  # converted as values_list converts (SQLite: text)
    assert query.rows("no-such-number") == []
    assert len(built) == 1  # compiled at the first call only


def test_rows_read_the_current_data_not_a_remembered_answer() -> None:
    certificate = cf.certificate("12")
    query = CompiledQuery(Certificate, _by_number, arity=1)
    assert query.rows(certificate.number)[0][2] == "valid"
    Certificate.objects.filter(pk=certificate.pk).update(status="revoked")
    assert query.rows(certificate.number)[0][2] == "revoked"


def test_a_value_the_orm_would_transform_is_refused() -> None:
    contains = CompiledQuery(
        Certificate,
        lambda word: Certificate.objects.filter(search_key__contains=word).values_list("pk"),
        arity=1,
    )
    with pytest.raises(ValueError, match="marker"):
        contains.rows("GB")
    with pytest.raises(TypeError):
        CompiledQuery(Certificate, _by_number, arity=1).rows()
