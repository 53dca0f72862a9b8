"""The public 监管数据 page from the nav link: charts render, the open data link works."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from ticcoop.disclosure.tests import factories as df

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_nav_link_opens_the_comparison_with_charts(live_server: Any, page: Any) -> None:
    df.world()
    page.goto(f"{live_server.url}/")
    page.click("header nav >> text=监管数据")
    page.wait_for_url("**/public/dashboard/")
    chart = page.locator("#table-institutions svg.chart").first
    assert chart.is_visible() and chart.bounding_box()["width"] > 200
    assert page.locator("#table-inspections td").filter(has_text="33.3%").count() == 1
    if os.environ.get("TICCOOP_SCREENSHOTS"):
        page.screenshot(path=os.environ["TICCOOP_SCREENSHOTS"], full_page=True)
    with page.expect_navigation():
        page.click("text=JSON")
    payload = json.loads(page.locator("body").inner_text())
    assert payload["tables"][0]["key"] == "institutions"
