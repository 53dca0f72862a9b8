"""Rectification lifecycle, institution users' own nonconformities, the overdue list."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ticcoop.accounts.roles import Role
from ticcoop.assessments.models import (
    Assessment,
    Decision,
    EvidenceFile,
    Nonconformity,
    NonconformityStatus,
    Severity,
)
from ticcoop.assessments.queries import is_overdue
from ticcoop.assessments.tests import factories as af
from ticcoop.registry.models import Institution, InstitutionMembership
from ticcoop.testing import factories
from ticcoop.testing.downloads import assert_downloads

pytestmark = pytest.mark.django_db
API = "/api/assessments/nonconformities"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def lab_user(institution: Institution) -> User:
    user = factories.user(Role.INSTITUTION_USER, institution.region.code)
    InstitutionMembership.objects.create(user=user, institution=institution)
    return user


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def review(client: Client, nc: Nonconformity, decision: str, note: str = "") -> Any:
    return client.post(
        f"{API}/{nc.pk}/{decision}", json.dumps({"note": note}), content_type="application/json"
    )


@pytest.fixture
def nc() -> Nonconformity:
    institution = factories.institution("14", name="太原整改检测有限公司")
    return af.nonconformity(af.passed_assessment(institution), Severity.MINOR)


def test_institution_user_sees_only_own_nonconformities(nc: Nonconformity) -> None:
    other = af.nonconformity(af.passed_assessment(factories.institution("14")))
    client = as_user(lab_user(nc.assessment.institution))
    body = client.get(API).json()
    assert [item["id"] for item in body["items"]] == [nc.pk]
    assert client.get(f"{API}/{other.pk}").status_code == 404
    page = client.get("/assessments/nonconformities/")
    assert list(page.context["page"]) == [nc]
    assert client.get(f"/assessments/nonconformities/{other.pk}/").status_code == 404


def test_rectification_lifecycle_with_files(nc: Nonconformity) -> None:
    lab = as_user(lab_user(nc.assessment.institution))
    content = b"%PDF-1.7\n" + "整改后的记录扫描件".encode()
    upload = SimpleUploadedFile("记录.pdf", content, content_type="application/pdf")
    response = lab.post(
        f"/assessments/nonconformities/{nc.pk}/",
        {"evidence": "已补充记录", "evidence_files": [upload]},
    )
    assert response.status_code == 302
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.SUBMITTED
    stored = EvidenceFile.objects.get()
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.name == "记录.pdf" and stored.size == len(content)
    assert lab.post(f"{API}/{nc.pk}/rectifications", {"evidence": "再交"}).status_code == 422

    regulator = as_user(factories.regulator("14"))
    assert review(regulator, nc, "return").status_code == 422  # reason required
    assert review(regulator, nc, "return", "证据不足").json()["status"] == "returned"
    assert lab.post(f"{API}/{nc.pk}/rectifications", {"evidence": "补充照片"}).status_code == 201
    assert review(as_user(factories.regulator("11")), nc, "accept").status_code == 403
    closed = review(regulator, nc, "accept", "整改有效")
    assert closed.json()["status"] == "closed" and closed.json()["closure_note"] == "整改有效"
    history = lab.get(f"{API}/{nc.pk}/rectifications").json()
    assert [(r["decision"], r["review_note"]) for r in history] == [
        (Decision.RETURNED, "证据不足"),
        (Decision.ACCEPTED, "整改有效"),
    ]
    assert history[0]["files"][0]["sha256"] == stored.sha256


def test_evidence_downloads_for_readers_only_with_its_digest(nc: Nonconformity) -> None:
    content = b"<html><script>alert(1)</script></html>"
    lab = as_user(lab_user(nc.assessment.institution))
    # HTML in an allowed text file: still downloaded as an attachment, never rendered.
    upload = SimpleUploadedFile("照片.txt", content, content_type="text/html")
    lab.post(
        f"/assessments/nonconformities/{nc.pk}/", {"evidence": "x", "evidence_files": [upload]}
    )
    stored = EvidenceFile.objects.get()
    url = f"/assessments/evidence/{stored.pk}/"
    assert url in lab.get(f"/assessments/nonconformities/{nc.pk}/").content.decode()
    for reader in (lab, as_user(factories.regulator("14"))):
        assert_downloads(reader, url, content)
    assert as_user(lab_user(factories.institution("14"))).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_only_the_institution_submits(nc: Nonconformity) -> None:
    stranger = as_user(lab_user(factories.institution("14")))
    assert stranger.post(f"{API}/{nc.pk}/rectifications", {"evidence": "x"}).status_code == 404
    regulator = as_user(factories.regulator("14"))
    assert regulator.post(f"{API}/{nc.pk}/rectifications", {"evidence": "x"}).status_code == 403
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.OPEN


def test_team_assessor_with_an_account_may_close(nc: Nonconformity) -> None:
    member = nc.assessment.members.first()
    assert member is not None
    account = factories.user(Role.INSPECTOR, "11")
    member.expert.user = account
    member.expert.save()
    lab_client = as_user(lab_user(nc.assessment.institution))
    lab_client.post(f"{API}/{nc.pk}/rectifications", {"evidence": "已整改"})
    assert review(as_user(account), nc, "accept").json()["status"] == "closed"


def overdue_nc(region_code: str, **fields: Any) -> Nonconformity:
    assessment: Assessment = af.passed_assessment(factories.institution(region_code))
    past = timezone.localdate() - timedelta(days=3)
    return af.nonconformity(assessment, deadline=past, **fields)


def test_overdue_list_is_scoped_to_the_regulators_region() -> None:
    late = overdue_nc("12")
    overdue_nc("12", status=NonconformityStatus.CLOSED)
    overdue_nc("13")
    af.nonconformity(
        af.passed_assessment(factories.institution("12")),
        deadline=timezone.localdate() + timedelta(days=3),
    )
    tianjin = as_user(factories.regulator("12"))
    body = tianjin.get("/api/assessments/overdue").json()
    assert [(item["id"], item["overdue"]) for item in body] == [(late.pk, True)]
    page = tianjin.get("/assessments/nonconformities/overdue/")
    assert list(page.context["page"]) == [late]
    assert "已逾期" in page.content.decode()
    observer = as_user(factories.user(Role.NATIONAL_OBSERVER))
    assert observer.get("/api/assessments/overdue").json() == []


def test_overdue_date_is_strict() -> None:
    nc = overdue_nc("15")
    assert is_overdue(nc, today=nc.deadline + timedelta(days=1))
    assert not is_overdue(nc, today=nc.deadline)
    assert is_overdue(nc)
    nc.status = NonconformityStatus.CLOSED
    assert not is_overdue(nc)


def test_an_empty_rectification_submit_says_what_is_missing(nc: Nonconformity) -> None:
    """An empty submit is not silently ignored: the page answers with the field's error and
    nothing is recorded (issue 13)."""
    lab = as_user(lab_user(nc.assessment.institution))
    for evidence in ("", "   "):
        response = lab.post(f"/assessments/nonconformities/{nc.pk}/", {"evidence": evidence})
        page = response.content.decode()
        assert response.status_code == 200
        assert "这个字段是必填项" in page or "请填写整改说明" in page
    nc.refresh_from_db()
    assert nc.status == "open" and not nc.rectifications.exists()
