"""The expert pool, the catalogue pages and the demo data."""

from __future__ import annotations

import pytest
from django.test import Client

from ticcoop.accounts.roles import Role
from ticcoop.assessments import demo
from ticcoop.assessments.models import (
    Assessment,
    AssessmentKind,
    CriteriaClause,
    NonconformityStatus,
    Severity,
)
from ticcoop.assessments.queries import assessment_allows_issue, overdue_nonconformities
from ticcoop.assessments.tests import factories as af
from ticcoop.registry import demo as registry_demo
from ticcoop.registry.models import ExpertTie
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def test_expert_pool_searches_across_regions_and_shows_ties() -> None:
    chemist = af.assessor("15", name="包化学", specialties="化学分析")
    af.assessor("11", name="京电气", specialties="电气安全")
    institution = factories.institution("12", name="天津关联检测有限公司")
    ExpertTie.objects.create(expert=chemist, institution=institution, reason="原工作单位")
    client = Client()
    client.force_login(factories.regulator("11"))
    by_specialty = client.get("/assessments/experts/", {"specialty": "化学"})
    assert list(by_specialty.context["page"]) == [chemist]
    assert "天津关联检测有限公司（原工作单位）" in by_specialty.content.decode()
    by_region = client.get("/assessments/experts/", {"region": "11"})
    assert [e.name for e in by_region.context["page"]] == ["京电气"]
    by_name = client.get("/api/assessments/experts", {"q": "包化"}).json()
    assert by_name["items"][0]["ties"] == [
        {"institution": "天津关联检测有限公司", "reason": "原工作单位"}
    ]


def test_catalogue_pages_and_api() -> None:
    catalogue = af.catalogue(clauses=3)
    client = Client()
    page = client.get(f"/assessments/catalogues/{catalogue.pk}/").content.decode()
    assert "4.1.1" in page and "测试条款1" in page
    body = client.get(f"/api/assessments/catalogues/{catalogue.pk}").json()
    assert [len(e["clauses"]) for e in body["elements"]] == [2, 1]


def test_assessment_pages_need_a_login_and_hide_other_institutions() -> None:
    made = af.passed_assessment(factories.institution("11"))
    assert Client().get("/assessments/").status_code == 302
    outsider = Client()
    outsider.force_login(factories.user(Role.INSTITUTION_USER, "11"))
    assert outsider.get(f"/assessments/{made.pk}/").status_code == 404


def test_demo_data_covers_every_case() -> None:
    registry_demo.create_institutions(40, seed=1)
    registry_demo.create_experts(1, per_region=8)
    summary = demo.load(1)
    assert "SAMR-2023" in summary
    assert CriteriaClause.objects.filter(element__catalogue__code="SAMR-2023").count() >= 15
    for code in ("11", "12", "13", "14", "15"):
        initials = Assessment.objects.filter(
            institution__region__code=code, kind=AssessmentKind.INITIAL
        )
        assert any(assessment_allows_issue(a) is None for a in initials), code
    admin = factories.user(None, username="root")
    admin.is_superuser = True
    assert overdue_nonconformities(admin).count() == 5
    open_major = Assessment.objects.filter(
        nonconformities__severity=Severity.MAJOR,
        nonconformities__status=NonconformityStatus.OPEN,
    )
    assert open_major.exists()
    for assessment in Assessment.objects.prefetch_related("members__expert"):
        experts = [m.expert for m in assessment.members.all()]
        assert all(e.employer_id != assessment.institution_id for e in experts)
