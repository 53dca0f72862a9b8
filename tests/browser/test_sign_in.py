from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ticcoop.accounts.roles import Role
from ticcoop.testing import factories
from ticcoop.testing.otp import browser_login, current_code, totp_device

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_regulator_signs_in_with_a_totp_code(live_server: Any, page: Any) -> None:
    regulator = factories.regulator("14")
    totp_device(regulator)
    page.goto(f"{live_server.url}/login/?next=/supervision/")
    page.fill("input[name=username]", regulator.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url("**/account/two-factor/verify/?next=*")
    page.fill("input[name=token]", "000000")
    page.click("form.two-factor button[type=submit]")
    assert "验证码不正确" in page.locator("p.error").inner_text()
    page.fill("input[name=token]", current_code(totp_device(regulator)))
    page.click("form.two-factor button[type=submit]")
    page.wait_for_url("**/supervision/")
    assert "监管工作台" in page.locator("header").inner_text()


def test_a_new_regulator_enrols_from_the_qr_page(live_server: Any, page: Any) -> None:
    regulator = factories.regulator("11")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", regulator.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("form.login button[type=submit]")
    page.goto(f"{live_server.url}/supervision/")
    page.wait_for_url("**/account/two-factor/setup/?next=*")
    # The QR code is drawn by the platform itself and loads from the same origin.
    page.wait_for_function("document.querySelector('img.qr').naturalWidth > 100")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    pending = TOTPDevice.objects.get(user=regulator, confirmed=False)
    page.fill("input[name=token]", current_code(pending))
    page.click("form.two-factor button[type=submit]")
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)  # polls for the next page
    page.click("text=继续")
    page.wait_for_url("**/supervision/")


def test_the_login_helper_passes_the_second_factor(live_server: Any, page: Any) -> None:
    observer = factories.user(Role.NATIONAL_OBSERVER)
    browser_login(page, live_server.url, observer, factories.PASSWORD, "/supervision/")
    page.wait_for_url("**/supervision/")
