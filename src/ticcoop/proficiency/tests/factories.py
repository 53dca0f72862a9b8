"""Small factories for proficiency tests: a scheme, a round, participants with results."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from ticcoop.accounts.roles import Role
from ticcoop.proficiency import services
from ticcoop.proficiency.models import Measurand, Participant, Round, RoundStatus, Scheme
from ticcoop.registry.models import Institution, InstitutionMembership
from ticcoop.testing import factories

REGIONS = ("11", "12", "13", "14", "15")
# 14 results around 10 with one outlier (z ≈ 5) and one questionable (z ≈ -2.5)
VALUES = [
    "10.1",
    "9.9",
    "10.0",
    "10.2",
    "9.8",
    "10.05",
    "9.95",
    "10.1",
    "9.9",
    "10.0",
    "10.15",
    "9.85",
    "12.5",
    "8.75",
]


def organiser(region_code: str = "11") -> User:
    return factories.regulator(region_code)


def scheme(region_code: str = "11", measurands: int = 1, **fields: Any) -> Scheme:
    values: dict[str, Any] = {
        "code": f"S{region_code}-{factories.credit_code()[-6:]}",
        "name": "食品中重金属测定",
        "organising_region": factories.region(region_code),
        "provider_name": "测试能力验证提供者",
        "field": "食品",
        "min_participants": 12,
        "sigma_method": "percent",
    }
    values.update(fields)
    made = Scheme.objects.create(**values)
    for i in range(measurands):
        Measurand.objects.create(
            scheme=made,
            name=["铅", "镉", "汞"][i],
            unit="mg/kg",
            decimals=2,
            order=i,
            sigma_percent=5.0,
            sigma_value=0.5,
        )
    return made


def round_(made: Scheme | None = None, **fields: Any) -> Round:
    now = timezone.now()
    values: dict[str, Any] = {
        "scheme": made or scheme(),
        "code": f"R-{factories.credit_code()[-8:]}",
        "title": "2025 年第 1 轮",
        "year": 2025,
        "enrolment_deadline": now + timedelta(days=10),
        "results_due": now + timedelta(days=30),
    }
    values.update(fields)
    return Round.objects.create(**values)


def institution_user(institution: Institution) -> User:
    user = factories.user(Role.INSTITUTION_USER, institution.region.code)
    InstitutionMembership.objects.create(user=user, institution=institution)
    return user


def enrolled(rnd: Round, count: int, actor: User | None = None) -> list[Participant]:
    """``count`` institutions from all five regions, enrolled by the organiser."""
    actor = actor or organiser(rnd.scheme.organising_region.code)
    return [services.enrol(actor, rnd, factories.institution(REGIONS[i % 5])) for i in range(count)]


def closed_round(values: list[str] | None = None, **scheme_fields: Any) -> tuple[Round, User]:
    """A round with one result per participant, past its deadline and closed."""
    values = values or VALUES
    actor = organiser("11")
    rnd = round_(scheme("11", **scheme_fields))
    participants = enrolled(rnd, len(values), actor)
    services.dispatch_items(actor, rnd)
    measurand = rnd.scheme.measurands.get()
    for participant, value in zip(participants, values, strict=True):
        services.submit_results(
            actor, participant, [services.Entry(measurand.name, value, "0.3", "2")]
        )
    Round.objects.filter(pk=rnd.pk).update(results_due=timezone.now() - timedelta(minutes=1))
    rnd.refresh_from_db()
    services.close_results(actor, rnd)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED
    return rnd, actor


def lab_with_history(values: list[str]) -> tuple[Institution, list[Round]]:
    """A lab in one published round per value (its 铅 result; 13 others from VALUES), the
    rounds' results due a month apart, oldest first."""
    actor = organiser("11")
    made = scheme("11")
    lab = factories.institution("11")
    others = [factories.institution(REGIONS[i % 5]) for i in range(13)]
    rounds = []
    for index, own in enumerate(values):
        rnd = round_(made)
        participants = [services.enrol(actor, rnd, i) for i in [*others, lab]]
        services.dispatch_items(actor, rnd)
        for participant, value in zip(participants, [*VALUES[:13], own], strict=True):
            services.submit_results(actor, participant, [services.Entry("铅", value, "0.3", "2")])
        due = timezone.now() - timedelta(days=30 * (len(values) - index))
        Round.objects.filter(pk=rnd.pk).update(results_due=due)
        rnd.refresh_from_db()
        services.close_results(actor, rnd)
        services.evaluate_round(actor, rnd)
        services.publish_round(actor, rnd, render_report=False)
        rounds.append(rnd)
    return lab, rounds
