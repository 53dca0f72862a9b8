"""Issue 16 in a real browser: a lab user signs in, opens 我的能力验证, downloads its own
letter (a PDF) and sees its history chart (inline SVG with one point per round)."""

from __future__ import annotations

from typing import Any

import pytest

from ticcoop.proficiency.tests import factories as pf
from ticcoop.testing import factories
from ticcoop.testing.otp import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWN = ["10.4", "10.6", "11.1"]  # the lab's 铅 results in three rounds (z ≈ 0.7, 1.1, 2.1)


def test_lab_opens_its_pt_page_downloads_its_letter_and_sees_its_history(
    live_server: Any, page: Any
) -> None:
    lab, rounds = pf.lab_with_history(OWN)
    user = pf.institution_user(lab)
    # the letter is built on request (ReportLab and charts): on a loaded shared machine that
    # takes longer than the fixture's 15 s default
    page.set_default_timeout(60_000)
    browser_login(page, live_server.url, user, factories.PASSWORD, "/pt/mine/")
    page.wait_for_url("**/pt/mine/")
    assert page.locator("h1").inner_text() == "我的能力验证"
    letters = page.locator("table.letters a.letter")
    assert letters.count() == len(rounds)
    newest = rounds[-1]
    code = newest.participants.get(institution=lab).code
    href = letters.first.get_attribute("href")
    assert href == f"/pt/rounds/{newest.pk}/letters/{code}.pdf"
    # the browser's own session fetches the letter: a PDF, served to this lab
    response = page.request.get(live_server.url + href, timeout=60_000)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    # another participant's letter does not exist for this lab
    other = newest.participants.exclude(institution=lab).first()
    assert (
        page.request.get(f"{live_server.url}/pt/rounds/{newest.pk}/letters/{other.code}.pdf").status
        == 404
    )
    chart = page.locator("section.history figure.history-chart svg")
    assert chart.count() == 1 and chart.first.is_visible()
    assert chart.first.locator("circle").count() == len(rounds)
    rows = page.locator("section.history table.history-table tbody tr")
    assert rows.count() == len(rounds)
