from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from ticcoop.methods.ids import check_credit_code
from ticcoop.regions.models import Region
from ticcoop.registry.demo import allocate, iter_institutions
from ticcoop.registry.models import Expert, Institution

pytestmark = pytest.mark.django_db


def test_demo_data_builds_all_five_regions_proportionally() -> None:
    call_command("demo_data", institutions=200, seed=7, verbosity=0)
    per_region = Counter(Institution.objects.values_list("region__code", flat=True))
    assert set(per_region) == {"11", "12", "13", "14", "15"}
    assert per_region["13"] == max(per_region.values())  # Hebei has the most institutions
    assert sum(per_region.values()) == 200
    codes = list(Institution.objects.values_list("credit_code", flat=True))
    assert [c for c in codes if check_credit_code(c) is not None] == []
    assert all(
        code[2:4] == region
        for code, region in Institution.objects.values_list("credit_code", "region__code")
    )
    assert Expert.objects.filter(employer__isnull=False).exists()
    assert User.objects.filter(username="heb_regulator", profile__region__code="13").exists()


def test_demo_data_is_reproducible_from_the_seed() -> None:
    first = [(i["credit_code"], i["name"], i["address"]) for i in iter_institutions(50, seed=3)]
    again = [(i["credit_code"], i["name"], i["address"]) for i in iter_institutions(50, seed=3)]
    other = [(i["credit_code"], i["name"], i["address"]) for i in iter_institutions(50, seed=4)]
    assert first == again
    assert first != other
    assert len({code for code, _, _ in first}) == 50


def test_demo_data_refuses_a_database_that_has_data() -> None:
    call_command("demo_data", institutions=10, seed=1, verbosity=0)
    call_command("demo_data", institutions=10, seed=1, if_empty=True, verbosity=0)
    assert Institution.objects.count() == 10
    with pytest.raises(SystemExit):
        call_command("demo_data", institutions=10, seed=1, verbosity=0)


def test_allocation_is_exact_and_gives_every_region_one() -> None:
    regions = list(Region.objects.all())
    for total in (5, 6, 99, 1000):
        counts = allocate(total, regions)
        assert sum(counts.values()) == total
        assert min(counts.values()) >= 1
