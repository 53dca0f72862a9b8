from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ticcoop.accounts.roles import Role
from ticcoop.assessments.models import EvidenceFile, NonconformityStatus
from ticcoop.assessments.tests import factories as af
from ticcoop.registry.models import InstitutionMembership
from ticcoop.testing import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("form.login button, form.login input[type=submit]")
    page.wait_for_url(base + "/workbench/")  # 我的工作台: where every role lands


def test_institution_user_submits_rectification_with_a_file(
    live_server: Any, page: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    institution = factories.institution("11", name="北京浏览器整改检测有限公司")
    nc = af.nonconformity(af.passed_assessment(institution))
    user = factories.user(Role.INSTITUTION_USER, "11", username="bj_lab_test")
    InstitutionMembership.objects.create(user=user, institution=institution)
    evidence = tmp_path / "record.txt"
    evidence.write_text("calibration certificate", encoding="utf-8")

    login(page, live_server.url, "bj_lab_test")
    page.goto(live_server.url + "/assessments/nonconformities/")
    page.click(f"text={nc.clause.number}")
    page.fill("textarea[name=evidence]", "已重新检定天平")
    page.set_input_files("input[name=evidence_files]", str(evidence))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("text=整改材料已提交")
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.SUBMITTED
    assert EvidenceFile.objects.get().name == "record.txt"
    assert EvidenceFile.objects.get().sha256 in page.content()
