"""An institution user logs in, submits a PT result; the published report's PDF link opens."""

from __future__ import annotations

from typing import Any

import pytest

from ticcoop.proficiency import services
from ticcoop.proficiency.models import Result
from ticcoop.proficiency.tests import factories as pf
from ticcoop.testing import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_institution_user_submits_a_result_and_opens_the_report(
    live_server: Any, page: Any
) -> None:
    rnd = pf.round_(pf.scheme("12"))
    lab = factories.institution("15", name="呼和浩特浏览器检测有限公司")
    user = pf.institution_user(lab)
    participant = services.enrol(user, rnd, lab)
    services.dispatch_items(pf.organiser("12"), rnd)

    page.goto(f"{live_server.url}/login/?next=/pt/rounds/{rnd.pk}/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("form.login button")
    page.wait_for_url(f"**/pt/rounds/{rnd.pk}/")
    assert participant.code in page.locator("p.own").inner_text()
    page.click("text=填报/更正结果")
    page.fill("input[aria-label='铅 结果']", "10.3")
    page.fill("input[aria-label='铅 U']", "0.4")
    page.click("#submit-results")
    page.wait_for_selector("ul.messages")
    assert "结果已提交" in page.locator("ul.messages").inner_text()
    assert "v1" in page.locator("table.history").inner_text()
    assert Result.objects.get(participant=participant).value == 10.3

    published, _actor = pf.closed_round()
    services.evaluate_round(_actor, published)
    services.publish_round(_actor, published, render_report=False)
    page.goto(f"{live_server.url}/pt/rounds/{published.pk}/")
    link = page.locator("a.report")
    href = link.get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert page.locator("table.scores tbody tr").count() == len(pf.VALUES)
    image = page.locator("img[alt$='histogram']")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
