from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ticcoop.accounts.roles import Role
from ticcoop.inspections.models import (
    CampaignTarget,
    Finding,
    FindingFile,
    FindingStatus,
    TargetStatus,
)
from ticcoop.inspections.services.campaigns import close_campaign, record_inspection
from ticcoop.inspections.services.findings import record_finding
from ticcoop.inspections.tests import factories as f
from ticcoop.methods.workdays import add_working_days
from ticcoop.testing import factories
from ticcoop.testing.downloads import assert_downloads

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def setup() -> dict[str, Any]:
    """A running two-region campaign: Beijing inspects Tianjin's one institution."""
    organiser = factories.regulator("11")
    target_institution = factories.institution("12")
    factories.institution("11")
    member = f.inspector("11", with_user=True)
    f.inspector("11", with_user=True)
    f.inspector("12")
    f.inspector("12")
    campaign = f.running_campaign(organiser, regions=["11", "12"], no_mutual=False)
    target = CampaignTarget.objects.get(institution=target_institution)
    team_users = [m.expert.user for m in target.team.select_related("expert__user")]
    assert member.user in team_users
    return {
        "organiser": organiser,
        "campaign": campaign,
        "target": target,
        "inspector": team_users[0],
        "lab": f.lab_user(target_institution),
        "clause": f.clause(),
    }


def test_finding_from_creation_to_accepted_rectification(setup: dict[str, Any]) -> None:
    inspector = _client(setup["inspector"])
    made = _post(
        inspector,
        f"/api/inspections/targets/{setup['target'].pk}/findings",
        {
            "clause_id": setup["clause"].pk,
            "description": "原始记录缺少环境条件",
            "severity": "minor",
            "field": "食品",
            "deadline_days": 10,
        },
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    finding = Finding.objects.get(pk=pk)
    assert finding.deadline == add_working_days(timezone.localdate(finding.created_at), 10)
    lab = _client(setup["lab"])
    assert _post(lab, f"/api/inspections/findings/{pk}/accept", {}).status_code == 403
    answer = _post(lab, f"/api/inspections/findings/{pk}/rectifications", {"text": "已补充记录"})
    assert answer.status_code == 201
    assert (
        _post(inspector, f"/api/inspections/findings/{pk}/reject", {"note": ""}).status_code == 422
    )
    rejected = _post(inspector, f"/api/inspections/findings/{pk}/reject", {"note": "缺少培训记录"})
    assert rejected.json()["status"] == FindingStatus.RETURNED
    _post(lab, f"/api/inspections/findings/{pk}/rectifications", {"text": "补充培训记录"})
    # the inspecting region's regulator may accept as well as the team
    accepted = _post(_client(setup["organiser"]), f"/api/inspections/findings/{pk}/accept", {})
    assert accepted.json()["status"] == FindingStatus.ACCEPTED
    assert (
        _post(lab, f"/api/inspections/findings/{pk}/rectifications", {"text": "again"}).status_code
        == 422
    )
    assert list(finding.rectifications.values_list("decision", flat=True)) == [
        "rejected",
        "accepted",
    ]


def test_who_may_see_and_act_on_a_finding(setup: dict[str, Any]) -> None:
    finding = record_finding(
        setup["inspector"],
        setup["target"],
        clause=setup["clause"],
        description="设备未检定",
        severity="major",
    )
    url = f"/api/inspections/findings/{finding.pk}"
    inspected = _client(factories.regulator("12"))
    assert inspected.get(url).status_code == 200  # the inspected region
    listed = inspected.get("/api/inspections/findings").json()
    assert listed == {"items": [inspected.get(url).json()], "count": 1}
    assert _client(factories.regulator("13")).get("/api/inspections/findings").json()["count"] == 0
    assert _client(factories.user(Role.NATIONAL_OBSERVER)).get(url).status_code == 200
    assert _client(factories.regulator("13")).get(url).status_code == 404
    other_lab = f.lab_user(factories.institution("12"))
    assert _client(other_lab).get(url).status_code == 404
    assert _post(_client(other_lab), f"{url}/rectifications", {"text": "x"}).status_code == 404
    outsider = _client(factories.regulator("13"))
    target_url = f"/api/inspections/targets/{setup['target'].pk}/findings"
    body = {"clause_id": setup["clause"].pk, "description": "x", "severity": "minor"}
    assert _post(outsider, target_url, body).status_code == 403


def test_overdue_findings_are_flagged_for_the_inspected_regulator(setup: dict[str, Any]) -> None:
    old = record_finding(
        setup["inspector"],
        setup["target"],
        clause=setup["clause"],
        description="逾期问题",
        severity="minor",
        deadline_days=5,
        today=timezone.localdate() - timedelta(days=30),
    )
    record_finding(
        setup["inspector"],
        setup["target"],
        clause=setup["clause"],
        description="未逾期问题",
        severity="minor",
    )
    page = _client(factories.regulator("12")).get("/inspections/findings/?status=overdue")
    text = page.content.decode()
    assert "逾期问题" in text and "未逾期问题" not in text
    assert old.is_overdue()


def test_evidence_files_are_stored_with_their_sha256(setup: dict[str, Any]) -> None:
    content = "整改后的原始记录".encode()
    finding = record_finding(
        setup["inspector"],
        setup["target"],
        clause=setup["clause"],
        description="记录不全",
        severity="minor",
    )
    lab = _client(setup["lab"])
    response = lab.post(
        f"/inspections/findings/{finding.pk}/",
        {"text": "已整改", "attachments": [SimpleUploadedFile("r.txt", content)]},
    )
    assert response.status_code == 302
    stored = FindingFile.objects.get(finding=finding)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.rectification is not None
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.SUBMITTED


def test_finding_files_download_for_readers_only_with_their_digest(
    setup: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    evidence, rectified = b"<html><script>alert(1)</script></html>", "整改记录".encode()
    finding = record_finding(
        setup["inspector"],
        setup["target"],
        clause=setup["clause"],
        description="记录不全",
        severity="minor",
        files=[SimpleUploadedFile("现场.txt", evidence, content_type="text/html")],
    )
    lab = _client(setup["lab"])
    page_url = f"/inspections/findings/{finding.pk}/"
    lab.post(page_url, {"text": "已整改", "attachments": [SimpleUploadedFile("r.txt", rectified)]})
    files = {
        content: f"/inspections/findings/files/{FindingFile.objects.get(sha256=digest).pk}/"
        for content, digest in (
            (evidence, hashlib.sha256(evidence).hexdigest()),
            (rectified, hashlib.sha256(rectified).hexdigest()),
        )
    }
    page = lab.get(page_url).content.decode()
    assert all(url in page for url in files.values())
    readers = [
        lab,
        _client(setup["inspector"]),
        _client(setup["organiser"]),
        _client(factories.regulator("12")),
        _client(factories.user(Role.NATIONAL_OBSERVER)),
    ]
    for reader in readers:
        for content, url in files.items():
            assert_downloads(reader, url, content)
    other_lab = f.lab_user(factories.institution("12"))
    for outsider in (_client(factories.regulator("13")), _client(other_lab)):
        assert outsider.get(files[evidence]).status_code == 404
    assert Client().get(files[evidence]).status_code == 302  # to the login page


def test_closing_needs_a_result_for_every_target(setup: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="尚未记录检查结果"):
        close_campaign(setup["organiser"], setup["campaign"])
    regulators = {"11": setup["organiser"], "12": factories.regulator("12")}
    for target in CampaignTarget.objects.filter(pair__campaign=setup["campaign"]):
        actor = regulators[target.pair.inspecting.code]
        record_inspection(actor, target, inspected_on=date(2025, 6, 1), summary="")
    closed = close_campaign(setup["organiser"], setup["campaign"])
    assert closed.status == "closed"
    assert not CampaignTarget.objects.exclude(status=TargetStatus.INSPECTED).exists()


def test_case_library_hides_names_unless_published(setup: dict[str, Any]) -> None:
    finding = record_finding(
        setup["inspector"],
        setup["target"],
        clause=setup["clause"],
        description="样品管理混乱",
        severity="minor",
        field="食品",
    )
    name = setup["target"].institution.name
    public = Client()
    page = public.get("/inspections/cases/?field=食品").content.decode()
    assert "样品管理混乱" in page and name not in page
    # only the inspected region's regulator may publish the name
    bj = _client(setup["organiser"])
    assert bj.post(f"/inspections/findings/{finding.pk}/publish/").status_code == 403
    assert not Finding.objects.get(pk=finding.pk).published
    tj = _client(factories.regulator("12"))
    tj.post(f"/inspections/findings/{finding.pk}/publish/")
    assert name in public.get("/inspections/cases/").content.decode()
    counts = public.get("/api/inspections/cases/counts").json()
    assert counts[0]["by_region"] == {"12": 1} and counts[0]["total"] == 1
    listed = public.get("/api/inspections/cases?region=12").json()
    assert listed["count"] == 1 and listed["items"][0]["institution"] == name
    assert public.get("/api/inspections/cases?region=11").json() == {"items": [], "count": 0}


def test_case_library_api_anonymises_one_page_at_a_time(setup: dict[str, Any]) -> None:
    for text in ("样品标识不清", "人员未授权", "设备未检定"):
        record_finding(
            setup["inspector"],
            setup["target"],
            clause=setup["clause"],
            description=text,
            severity="minor",
        )
    second = Client().get("/api/inspections/cases?page=2&page_size=2").json()
    assert second["count"] == 3
    assert [(c["description"], c["institution"]) for c in second["items"]] == [
        ("设备未检定", "（已隐去）")
    ]


def test_an_empty_rectification_submit_shows_an_error(setup: dict[str, Any]) -> None:
    """An empty submit is answered with the field's error, not silently ignored (issue 13)."""
    finding = record_finding(
        setup["inspector"],
        setup["target"],
        clause=setup["clause"],
        description="记录不全",
        severity="minor",
    )
    lab = _client(setup["lab"])
    for body in ({"text": ""}, {"text": "   "}, {}):
        response = lab.post(f"/inspections/findings/{finding.pk}/", body)
        page = response.content.decode()
        assert response.status_code == 200, body
        assert "这个字段是必填项" in page or "请填写整改情况" in page, body
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.OPEN
