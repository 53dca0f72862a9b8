"""Planning, team rules, per-clause outcomes and conclusion rules, mostly through the API."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from ticcoop.assessments.models import (
    Assessment,
    AssessmentStatus,
    CatalogueStatus,
    CriteriaCatalogue,
    CriteriaClause,
)
from ticcoop.assessments.tests import factories as af
from ticcoop.registry.models import ExpertTie, Institution
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db
API = "/api/assessments"


def login(region_code: str) -> Client:
    client = Client()
    client.force_login(factories.regulator(region_code))
    return client


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def plan(institution: Institution, catalogue: CriteriaCatalogue, team: list[int]) -> dict[str, Any]:
    return {
        "institution_credit_code": institution.credit_code,
        "kind": "initial",
        "catalogue_id": catalogue.pk,
        "planned_date": "2025-09-01",
        "onsite_start": "2025-09-25",
        "onsite_end": "2025-09-26",
        "team": team,
    }


@pytest.fixture
def hebei() -> Institution:
    return factories.institution("13", name="石家庄受评检测有限公司")


def test_plan_with_team_from_other_regions(hebei: Institution) -> None:
    team = [af.assessor("11").pk, af.assessor("15").pk]
    response = send(login("13"), "post", API, plan(hebei, af.catalogue(), team))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "planned" and body["region_code"] == "13"
    assert [m["expert_id"] for m in body["team"]] == team
    assert body["team"][0]["is_leader"] is True


def test_team_needs_two_assessors(hebei: Institution) -> None:
    not_assessor = af.assessor("13", is_assessor=False, name="李专家")
    response = send(login("13"), "post", API, plan(hebei, af.catalogue(), [not_assessor.pk]))
    assert response.status_code == 422
    errors = response.json()["errors"]["team"]
    assert "评审组至少需要 2 名评审员（当前 1 名）" in errors
    assert "李专家 不是评审员，不能加入评审组" in errors
    assert not Assessment.objects.exists()


def test_conflict_of_interest_by_employer_is_named(hebei: Institution) -> None:
    insider = af.assessor("13", name="王内部", employer=hebei)
    team = [insider.pk, af.assessor("12").pk]
    response = send(login("13"), "post", API, plan(hebei, af.catalogue(), team))
    assert response.status_code == 422
    assert response.json()["errors"]["team"] == [
        "评审员 王内部 的工作单位就是被评审机构“石家庄受评检测有限公司”，须回避"
    ]


def test_conflict_of_interest_by_declared_tie_is_named(hebei: Institution) -> None:
    tied = af.assessor("11", name="赵前同事")
    ExpertTie.objects.create(expert=tied, institution=hebei, reason="原工作单位")
    response = send(
        login("13"), "post", API, plan(hebei, af.catalogue(), [tied.pk, af.assessor().pk])
    )
    assert response.status_code == 422
    (message,) = response.json()["errors"]["team"]
    assert "赵前同事" in message and "原工作单位" in message and "须回避" in message


def test_only_published_catalogue_may_be_used(hebei: Institution) -> None:
    draft = af.catalogue(status=CatalogueStatus.DRAFT)
    team = [af.assessor().pk, af.assessor().pk]
    response = send(login("13"), "post", API, plan(hebei, draft, team))
    assert response.status_code == 422
    assert "不是现行版本" in response.json()["errors"]["catalogue"][0]


def test_other_regions_regulator_cannot_plan(hebei: Institution) -> None:
    team = [af.assessor().pk, af.assessor().pk]
    response = send(login("11"), "post", API, plan(hebei, af.catalogue(), team))
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_team_change_is_checked_too(hebei: Institution) -> None:
    made = af.assessment(hebei)
    insider = af.assessor("13", name="钱内部", employer=hebei)
    url = f"{API}/{made.pk}/team"
    response = send(login("13"), "put", url, {"team": [insider.pk, af.assessor().pk]})
    assert response.status_code == 422
    assert "钱内部" in response.json()["errors"]["team"][0]
    assert made.members.filter(expert=insider).count() == 0


def clauses(made: Assessment) -> list[str]:
    return list(
        CriteriaClause.objects.filter(element__catalogue=made.catalogue)
        .order_by("number")
        .values_list("number", flat=True)
    )


def test_full_workflow_and_conclusion_rules(hebei: Institution) -> None:
    client = login("13")
    made = af.assessment(hebei, onsite_end=date(2025, 9, 26))
    first, second, third = clauses(made)
    url = f"{API}/{made.pk}"
    assert send(client, "put", f"{url}/outcomes", []).status_code == 422  # not started yet
    assert client.post(f"{url}/start").json()["status"] == "in_progress"

    rows = [{"clause": first, "outcome": "conform"}, {"clause": second, "outcome": "nonconform"}]
    assert send(client, "put", f"{url}/outcomes", rows).status_code == 200
    response = send(client, "post", f"{url}/conclude", {"conclusion": "basic"})
    assert response.status_code == 422
    problems = response.json()["errors"]["conclusion"]
    assert f"以下条款尚无评审结果：{third}" in problems
    assert f"条款 {second} 判为不符合，但未开具不符合项" in problems

    send(client, "put", f"{url}/outcomes", [{"clause": third, "outcome": "na"}])
    nc = send(
        client,
        "post",
        f"{url}/nonconformities",
        {"clause": second, "description": "检定证书过期", "severity": "major"},
    )
    assert nc.status_code == 201
    # 30 working days after Friday 26 September 2025, across the National Day holiday.
    assert nc.json()["deadline"] == "2025-11-13"
    for conclusion, text in (("conform", "结论不能为“符合”"), ("basic", "严重不符合项")):
        response = send(client, "post", f"{url}/conclude", {"conclusion": conclusion})
        assert response.status_code == 422 and text in response.json()["errors"]["conclusion"][0]
    done = send(
        client, "post", f"{url}/conclude", {"conclusion": "nonconform", "summary": "不通过"}
    )
    assert done.status_code == 200
    assert done.json()["status"] == "concluded" and done.json()["allows_issue"] is False
    again = send(client, "post", f"{url}/conclude", {"conclusion": "nonconform"})
    assert again.status_code == 422


def test_minor_nonconformity_allows_basic_conformity(hebei: Institution) -> None:
    client = login("13")
    made = af.assessment(hebei, status=AssessmentStatus.IN_PROGRESS)
    numbers = clauses(made)
    rows = [{"clause": n, "outcome": "basic" if n == numbers[0] else "conform"} for n in numbers]
    url = f"{API}/{made.pk}"
    send(client, "put", f"{url}/outcomes", rows)
    send(
        client,
        "post",
        f"{url}/nonconformities",
        {"clause": numbers[0], "description": "记录不全", "severity": "minor"},
    )
    body = send(client, "post", f"{url}/conclude", {"conclusion": "basic"}).json()
    assert body["conclusion"] == "basic" and body["allows_issue"] is True


def test_nonconformity_on_a_conforming_clause_blocks_conclusion(hebei: Institution) -> None:
    client = login("13")
    made = af.assessment(hebei, status=AssessmentStatus.IN_PROGRESS)
    af.record_all(made)
    number = clauses(made)[0]
    url = f"{API}/{made.pk}"
    send(
        client,
        "post",
        f"{url}/nonconformities",
        {"clause": number, "description": "x", "severity": "minor"},
    )
    response = send(client, "post", f"{url}/conclude", {"conclusion": "nonconform"})
    assert (
        f"条款 {number} 有不符合项，评审结果却为“符合”" in response.json()["errors"]["conclusion"]
    )


def test_clause_of_another_version_is_refused(hebei: Institution) -> None:
    made = af.assessment(hebei, status=AssessmentStatus.IN_PROGRESS)
    other = af.catalogue(clauses=5)
    foreign = CriteriaClause.objects.filter(element__catalogue=other, number="4.1.5").get()
    response = send(
        login("13"),
        "put",
        f"{API}/{made.pk}/outcomes",
        [{"clause": foreign.number, "outcome": "conform"}],
    )
    assert response.status_code == 422
    assert "不属于本次评审使用的准则版本" in response.json()["errors"]["clause"][0]


def test_writes_on_another_regions_assessment_are_refused_everywhere(hebei: Institution) -> None:
    made = af.assessment(hebei)
    beijing = login("11")
    assert beijing.post(f"{API}/{made.pk}/start").status_code == 403
    assert beijing.post(f"/assessments/{made.pk}/start/").status_code == 403
    beijing.post(
        "/admin/assessments/assessment/", {"action": "start", "_selected_action": [made.pk]}
    )
    made.refresh_from_db()
    assert made.status == AssessmentStatus.PLANNED
    # The owning region's regulator can, through the page.
    assert login("13").post(f"/assessments/{made.pk}/start/").status_code == 302
    made.refresh_from_db()
    assert made.status == AssessmentStatus.IN_PROGRESS


def test_pages_plan_record_and_show(hebei: Institution) -> None:
    client = login("13")
    catalogue = af.catalogue()
    team = [af.assessor("11"), af.assessor("12")]
    response = client.post(
        "/assessments/new/",
        {
            "institution": hebei.credit_code,
            "kind": "initial",
            "catalogue": catalogue.pk,
            "planned_date": "2025-09-01",
            "onsite_start": "2025-09-25",
            "onsite_end": "2025-09-26",
            "team": [e.pk for e in team],
            "leader": team[1].pk,
        },
    )
    made = Assessment.objects.get()
    assert response.status_code == 302
    assert made.members.get(is_leader=True).expert == team[1]
    client.post(f"/assessments/{made.pk}/start/")
    clause = CriteriaClause.objects.filter(element__catalogue=catalogue).first()
    assert clause is not None
    client.post(f"/assessments/{made.pk}/outcomes/", {f"outcome_{clause.pk}": "conform"})
    page = client.get(f"/assessments/{made.pk}/").content.decode()
    assert "石家庄受评检测有限公司" in page and "评审尚未结束" in page
    assert made.outcomes.get().outcome == "conform"
    listing = client.get("/assessments/", {"region": "13"})
    assert list(listing.context["page"]) == [made]
