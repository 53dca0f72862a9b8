"""One cross-inspection finding, from the inspector's record to the accepted rectification."""

from __future__ import annotations

from typing import Any

import pytest

from ticcoop.inspections.models import CampaignTarget, Finding, FindingStatus
from ticcoop.inspections.tests import factories as f
from ticcoop.testing import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _login(page: Any, base: str, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_finding_to_accepted_rectification_in_a_real_browser(live_server: Any, page: Any) -> None:
    organiser = factories.regulator("11")
    institution = factories.institution("12", name="天津浏览器检测有限公司")
    factories.institution("11")
    for _ in range(2):
        f.inspector("11", with_user=True)
        f.inspector("12")
    clause = f.clause()
    f.running_campaign(organiser, regions=["11", "12"], no_mutual=False)
    target = CampaignTarget.objects.get(institution=institution)
    inspector = target.team.select_related("expert__user").first().expert.user  # type: ignore[union-attr]
    lab = f.lab_user(institution)
    base = live_server.url

    _login(page, base, inspector.username, f"/inspections/targets/{target.pk}/")
    page.select_option("#finding-form select[name=clause]", str(clause.pk))
    page.select_option("#finding-form select[name=severity]", "minor")
    page.fill("#finding-form textarea[name=description]", "原始记录缺少环境温湿度")
    page.click("#finding-form button[type=submit]")
    page.wait_for_url("**/inspections/findings/*/")
    assert page.locator("#finding-status").inner_text() == "待整改"
    finding_url = page.url.removeprefix(base)

    _login(page, base, lab.username, finding_url)
    page.fill("#rectification-form textarea[name=text]", "已补充温湿度记录并培训人员")
    page.click("#rectification-form button[type=submit]")
    page.wait_for_selector("text=整改已提交")
    assert page.locator("#finding-status").inner_text() == "整改待验收"

    _login(page, base, inspector.username, finding_url)
    page.fill("#review-form textarea[name=note]", "整改有效")
    page.click("#review-form button[name=accept]")
    page.wait_for_selector("text=已完成")
    assert page.locator("#finding-status").inner_text() == "整改已通过"
    assert Finding.objects.get().status == FindingStatus.ACCEPTED
