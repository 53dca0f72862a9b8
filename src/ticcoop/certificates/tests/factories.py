"""Factories for certificate tests: passed assessments (built with the ORM) and certificates."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from ticcoop.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    Conclusion,
    CriteriaCatalogue,
    CriteriaClause,
    CriteriaElement,
    Nonconformity,
    Severity,
)
from ticcoop.certificates import services
from ticcoop.certificates.models import Certificate
from ticcoop.certificates.scope import ScopeRow
from ticcoop.methods.ids import format_certificate_number
from ticcoop.registry.models import Institution
from ticcoop.testing import factories

_serial = itertools.count(1)

AUTHORITY = {"11": "01", "12": "02", "13": "03", "14": "04", "15": "05"}

SCOPE = [
    ScopeRow("食品", "生活饮用水", "浑浊度", "GB/T 5750.4-2023", "5.1", ""),
    ScopeRow("食品", "生活饮用水", "铅", "GB/T 5750.6-2023", "14.1", "只做无火焰原子吸收法"),
    ScopeRow("建材", "水泥", "抗压强度", "GB/T 17671-2021", "", ""),
]


def catalogue() -> CriteriaCatalogue:
    found = CriteriaCatalogue.objects.filter(code="RB/T 214", version=1).first()
    if found is not None:
        return found
    return CriteriaCatalogue.objects.create(
        code="RB/T 214", version=1, title="检验检测机构资质认定评审准则", status="published"
    )


def clause() -> CriteriaClause:
    element, _ = CriteriaElement.objects.get_or_create(
        catalogue=catalogue(), number=1, defaults={"name": "机构"}
    )
    found, _ = CriteriaClause.objects.get_or_create(
        element=element, number="4.1.1", defaults={"title": "法律地位", "text": "…"}
    )
    return found


def assessment(
    institution: Institution,
    *,
    kind: str = AssessmentKind.INITIAL,
    status: str = AssessmentStatus.CONCLUDED,
    conclusion: str = Conclusion.CONFORM,
) -> Assessment:
    day = timezone.localdate() - timedelta(days=30)
    return Assessment.objects.create(
        institution=institution,
        kind=kind,
        catalogue=catalogue(),
        status=status,
        planned_date=day,
        onsite_start=day,
        onsite_end=day,
        conclusion=conclusion if status == AssessmentStatus.CONCLUDED else "",
    )


def major_nonconformity(of: Assessment, status: str = "open") -> Nonconformity:
    return Nonconformity.objects.create(
        assessment=of,
        clause=clause(),
        description="未按规定",
        severity=Severity.MAJOR,
        deadline=timezone.localdate() + timedelta(days=30),
        status=status,
    )


def number(region_code: str = "13", year: int | None = None) -> str:
    return format_certificate_number(
        year or timezone.localdate().year, AUTHORITY[region_code], "17", "00", next(_serial)
    )


def certificate(
    region_code: str = "13",
    *,
    actor: User | None = None,
    issue_date: date | None = None,
    institution: Institution | None = None,
    **fields: Any,
) -> Certificate:
    """A certificate issued through the service by a regulator of the region."""
    holder = institution or factories.institution(region_code, **fields)
    day = issue_date or timezone.localdate()
    return services.issue_certificate(
        actor or factories.regulator(region_code),
        holder,
        number=number(region_code, day.year),
        issue_date=day,
        scope=SCOPE,
        assessment=assessment(holder),
    )
