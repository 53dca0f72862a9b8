from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ticcoop.competitions import services
from ticcoop.competitions.models import Competition, CompetitionStatus, Contestant
from ticcoop.competitions.tests import factories as cf
from ticcoop.testing import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _log_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_load_state()


def test_institution_user_registers_a_contestant(live_server: Any, page: Any) -> None:
    competition = cf.competition("13", status=CompetitionStatus.REGISTRATION_OPEN)
    cf.discipline(competition, "HX")
    user = cf.institution_user(factories.institution("12", name="天津浏览器检测有限公司"))
    _log_in(page, live_server, user.username)
    page.goto(f"{live_server.url}/competitions/")
    page.click(f"text={competition.title}")
    page.fill("input[name=person_name]", "刘浏览")
    page.fill("input[name=staff_number]", "TJ-001")
    page.click("form.register button")
    page.wait_for_selector("ul.messages")
    assert "等待所在地区监管部门确认" in page.locator("ul.messages").inner_text()
    assert "刘浏览" in page.locator("table.contestants").inner_text()
    assert Contestant.objects.get(person_name="刘浏览").institution.name == "天津浏览器检测有限公司"


def test_published_ranking_is_viewed(live_server: Any, page: Any) -> None:
    running = cf.Running()
    competition = running.confirmed()
    services.open_appeals(running.organiser, competition, timezone.now() + timedelta(days=1))
    Competition.objects.filter(pk=competition.pk).update(
        appeal_deadline=timezone.now() - timedelta(seconds=1)
    )
    services.publish_results(running.organiser, competition)
    winner = running.contestants["11"].person_name  # rank 1 (see test_workflow)
    page.goto(f"{live_server.url}/competitions/{competition.pk}/")
    page.click("text=查看比赛结果与排名")
    first_row = page.locator("table.ranking tbody tr").first
    assert winner in first_row.inner_text()
    assert "金奖" in first_row.inner_text()
    expect(page.locator("table.teams-regions tbody tr")).to_have_count(5)
