from __future__ import annotations

from typing import Any

import pytest

from ticcoop.certificates import services
from ticcoop.certificates.tests import factories as cf
from ticcoop.testing import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_search_then_institution_then_verify(live_server: Any, page: Any) -> None:
    certificate = cf.certificate("12", name="天津浏览器检测有限公司")
    printed = certificate.versions.get().token
    services.revoke_certificate(factories.regulator("12"), certificate, "出具虚假报告")
    page.goto(live_server.url + "/certificates/")
    page.fill("input[name=q]", "浑浊度")
    page.click("form.search button")
    page.wait_for_url("**/certificates/?q=*")
    assert page.locator("table.certificates tbody tr").count() == 1
    page.click("text=天津浏览器检测有限公司")
    page.wait_for_url("**/institutions/*/")
    assert certificate.number in page.locator("table.certificates").inner_text()
    assert "撤销" in page.locator(f"#certificate-{certificate.number}").inner_text()
    page.goto(f"{live_server.url}/verify/{certificate.number}/?t={printed}")
    assert page.locator("#verdict-title").inner_text().strip(" ✔✖") == "证书已撤销"
    assert "出具虚假报告" in page.locator("#verdict-explanation").inner_text()
    assert "第1版" in page.locator("#facts").inner_text()
