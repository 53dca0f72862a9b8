from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from ticcoop.testing import factories
from ticcoop.testing.otp import browser_second_factor, totp_device

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_home_page_then_search_in_a_real_browser(live_server: Any, page: Any) -> None:
    factories.institution("13", name="石家庄浏览器检测有限公司")
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "华北五地检验检测认证区域合作平台"
    page.fill("input[name=q]", "浏览器")
    page.click("form.search button")
    page.wait_for_url("**/institutions/?q=*")
    assert page.locator("table.results tbody tr").count() == 1
    page.click("text=石家庄浏览器检测有限公司")
    assert "河北省" in page.locator("dl.facts").inner_text()


def test_admin_login_in_a_real_browser(live_server: Any, page: Any) -> None:
    root = User.objects.create_superuser("root", "root@example.invalid", factories.PASSWORD)
    totp_device(root)
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "root")
    page.fill("#id_password", factories.PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    browser_second_factor(page, root)  # the admin asks for the TOTP code after the password
    page.wait_for_selector("#site-name")
    assert "管理后台" in page.locator("#site-name").inner_text()
    assert page.locator("a[href='/admin/registry/institution/']").count() >= 1
