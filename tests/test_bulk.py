"""ticcoop.bulk.insert_rows: the rows it writes are the ones bulk_create would write, the
objects get their database keys, and ids are never reused (SQLite AUTOINCREMENT, PG sequence)."""

from __future__ import annotations

import pytest
from django.db import transaction

from ticcoop.bulk import insert_rows, insert_values, update_rows
from ticcoop.events.models import Event
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert, Institution

pytestmark = pytest.mark.django_db(transaction=True)


def test_insert_rows_assigns_keys_and_writes_every_field() -> None:
    with transaction.atomic():
        first = Event(kind="findings", key="a", payload={"n": 1, "text": "中文"})
        insert_rows([first])
        first_pk = first.pk
        Event.objects.filter(pk=first_pk).delete()  # a later insert must not reuse its id
        events = [Event(kind="findings", key=f"k{n}", payload={"n": n}) for n in range(7)]
        insert_rows(events)
    pks = [e.pk for e in events]
    assert all(pk > first_pk for pk in pks)
    assert pks == sorted(pks) and len(set(pks)) == 7
    stored = {e.pk: (e.key, e.payload) for e in Event.objects.filter(pk__in=pks)}
    assert stored == {e.pk: (f"k{n}", {"n": n}) for n, e in enumerate(events)}
    later = Event.objects.create(kind="findings", key="after")  # the sequence moved on
    assert later.pk > max(pks)


def test_insert_rows_takes_the_key_of_a_related_object_saved_after_assignment() -> None:
    region = Region.objects.order_by("pk").first()
    assert region is not None
    with transaction.atomic():
        employer = Institution(credit_code="91110000MA01234567", name="某检测公司", region=region)
        expert = Expert(name="张三", region=region, employer=employer, employer_name="某检测公司")
        assert expert.employer_id is None  # assigned before the employer had a key
        insert_rows([employer])
        insert_rows([expert])
        assert expert.employer_id == employer.pk
        expert.name = "李四"
        update_rows([expert], ["name"])
    assert Expert.objects.get(pk=expert.pk).name == "李四"
    assert Expert.objects.get(pk=expert.pk).employer == Institution.objects.get(name="某检测公司")


def test_insert_values_writes_what_insert_rows_writes() -> None:
    region = Region.objects.order_by("pk").first()
    assert region is not None
    with transaction.atomic():
        built = [
            Event(kind="findings", key=f"o{n}", payload={"n": n, "区": "北京"}) for n in (1, 2)
        ]
        insert_rows(built)
        names = ("kind", "key", "payload")
        pks = insert_values(
            Event, names, [("findings", f"v{n}", {"n": n, "区": "北京"}) for n in (1, 2)]
        )
        institutions = insert_values(
            Institution,
            ("credit_code", "name", "region_id"),
            [("91110000MA01234567", "某公司", region.pk)],
        )
    assert pks == [built[-1].pk + 1, built[-1].pk + 2]
    written = {
        e.key: (e.payload, e.type, e.tombstone, e.created_at is not None)
        for e in Event.objects.all()
    }
    assert written["v1"] == written["o1"] and written["v2"] == written["o2"]
    holder = Institution.objects.get(pk=institutions[0])
    assert (holder.name, holder.region_id, holder.status) == (
        "某公司",
        region.pk,
        Institution().status,
    )
    assert holder.created_at is not None and holder.updated_at is not None


def test_insert_values_refuses_an_unknown_field() -> None:
    with transaction.atomic(), pytest.raises(ValueError, match="no stored field nme"):
        insert_values(Event, ("kind", "nme"), [("findings", "x")])
