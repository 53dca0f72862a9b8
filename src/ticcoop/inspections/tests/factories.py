"""Small factories for the inspections tests."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth.models import User

from ticcoop.accounts.roles import Role
from ticcoop.assessments.models import CriteriaClause
from ticcoop.assessments.tests.factories import catalogue
from ticcoop.inspections.models import Campaign
from ticcoop.inspections.services.campaigns import draw_campaign, save_campaign, start_campaign
from ticcoop.registry.models import Expert, Institution, InstitutionMembership
from ticcoop.testing import factories

_serial = itertools.count(1)
REGIONS = ["11", "12", "13", "14", "15"]


def inspector(region_code: str, *, with_user: bool = False, **fields: Any) -> Expert:
    values: dict[str, Any] = {
        "name": f"检查员{next(_serial)}",
        "region": factories.region(region_code),
        "employer_name": "市场监督管理局",
        "is_inspector": True,
    }
    if with_user:
        values["user"] = factories.user(Role.INSPECTOR, region_code)
    values.update(fields)
    return Expert.objects.create(**values)


def lab_user(institution: Institution) -> User:
    user = factories.user(Role.INSTITUTION_USER, institution.region.code)
    InstitutionMembership.objects.create(user=user, institution=institution)
    return user


def clause() -> CriteriaClause:
    made = catalogue()
    found = CriteriaClause.objects.filter(element__catalogue=made).first()
    assert found is not None
    return found


def populate(per_region: int = 2, inspectors: int = 2, regions: list[str] = REGIONS) -> None:
    for code in regions:
        for _ in range(per_region):
            factories.institution(code)
        for _ in range(inspectors):
            inspector(code)


def campaign(organiser: User, regions: list[str] = REGIONS, **fields: Any) -> Campaign:
    values: dict[str, Any] = {
        "year": 2025,
        "title": "2025年交叉互查",
        "organiser": factories.region(organiser.profile.region.code),
        "items": "资质认定条件保持情况\n检验检测报告质量",
        "per_region": 1,
    }
    values.update(fields)
    made = Campaign(**values)
    return save_campaign(organiser, made, [factories.region(code) for code in regions])


def running_campaign(organiser: User, seed: str = "test-seed", **fields: Any) -> Campaign:
    made = campaign(organiser, **fields)
    draw_campaign(organiser, made, seed)
    return start_campaign(organiser, made)
