"""Small factories for assessments (also used by the certificates tests).

``passed_assessment(institution)`` is the one other apps need: a concluded initial assessment
(conclusion 符合) that ``assessment_allows_issue`` accepts.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from django.utils import timezone

from ticcoop.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CatalogueStatus,
    ClauseOutcome,
    Conclusion,
    CriteriaCatalogue,
    CriteriaClause,
    CriteriaElement,
    Nonconformity,
    Outcome,
    Severity,
    TeamMember,
)
from ticcoop.registry.models import Expert, Institution
from ticcoop.testing import factories

_serial = itertools.count(1)


def catalogue(
    status: CatalogueStatus = CatalogueStatus.PUBLISHED,
    clauses: int = 3,
    code: str = "TEST",
    version: int | None = None,
) -> CriteriaCatalogue:
    """A small catalogue: two elements, ``clauses`` clauses spread over them."""
    published = status != CatalogueStatus.DRAFT
    made = CriteriaCatalogue.objects.create(
        code=code,
        version=version or next(_serial),
        title="测试评审准则",
        status=status,
        published_at=timezone.now() if published else None,
    )
    elements = [
        CriteriaElement.objects.create(catalogue=made, number=1, name="机构"),
        CriteriaElement.objects.create(catalogue=made, number=2, name="人员"),
    ]
    for index in range(clauses):
        element = elements[index % 2]
        CriteriaClause.objects.create(
            element=element,
            number=f"4.{element.number}.{index + 1}",
            title=f"测试条款{index + 1}",
            text="机构应当满足本条要求。",
            position=index,
        )
    return made


def assessor(region_code: str = "13", **fields: Any) -> Expert:
    values: dict[str, Any] = {
        "name": f"评审员{next(_serial)}",
        "region": factories.region(region_code),
        "employer_name": "某大学",
        "is_assessor": True,
        "specialties": "化学分析、管理体系",
    }
    values.update(fields)
    return Expert.objects.create(**values)


def assessment(
    institution: Institution | None = None,
    *,
    kind: AssessmentKind = AssessmentKind.INITIAL,
    status: AssessmentStatus = AssessmentStatus.PLANNED,
    criteria: CriteriaCatalogue | None = None,
    onsite_end: date = date(2025, 9, 26),
) -> Assessment:
    """An assessment with a two-person team (planned unless ``status`` says otherwise)."""
    institution = institution or factories.institution()
    made = Assessment.objects.create(
        institution=institution,
        kind=kind,
        catalogue=criteria or catalogue(),
        status=status,
        planned_date=onsite_end,
        onsite_start=onsite_end,
        onsite_end=onsite_end,
    )
    region_code = institution.region.code
    TeamMember.objects.create(assessment=made, expert=assessor(region_code), is_leader=True)
    TeamMember.objects.create(assessment=made, expert=assessor(region_code))
    return made


def record_all(made: Assessment, outcome: Outcome = Outcome.CONFORM) -> None:
    clauses = CriteriaClause.objects.filter(element__catalogue=made.catalogue)
    ClauseOutcome.objects.bulk_create(
        ClauseOutcome(assessment=made, clause=clause, outcome=outcome) for clause in clauses
    )


def passed_assessment(
    institution: Institution,
    *,
    conclusion: Conclusion = Conclusion.CONFORM,
    kind: AssessmentKind = AssessmentKind.INITIAL,
) -> Assessment:
    """A concluded assessment of ``institution`` that passed (符合 by default, or 基本符合)."""
    made = assessment(institution, kind=kind, status=AssessmentStatus.IN_PROGRESS)
    record_all(made)
    made.status = AssessmentStatus.CONCLUDED
    made.conclusion = conclusion
    made.concluded_at = timezone.now()
    made.save()
    return made


def nonconformity(
    made: Assessment,
    severity: Severity = Severity.MINOR,
    deadline: date = date(2025, 11, 13),
    **fields: Any,
) -> Nonconformity:
    clause = CriteriaClause.objects.filter(element__catalogue=made.catalogue).first()
    assert clause is not None
    return Nonconformity.objects.create(
        assessment=made,
        clause=clause,
        description="记录不完整",
        severity=severity,
        deadline=deadline,
        **fields,
    )
