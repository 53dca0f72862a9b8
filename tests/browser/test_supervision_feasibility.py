"""Issue 14 in the browser: a regulator tries to freeze an infeasible batch, reads the reason,
gets inspectors from another region, freezes, and the draw staffs every task."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from ticcoop.supervision.models import Batch, BatchStatus, TaskStatus
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories
from ticcoop.testing.otp import browser_login

COMMITMENT = re.compile(r"^.{64}$")  # the browser computes the hex SHA-256 of the secret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, user: Any) -> None:
    """The login page, then the second factor that regulators must give."""
    browser_login(page, base, user, factories.PASSWORD)


def test_refused_freeze_then_outside_inspectors_then_fully_staffed_draw(
    live_server: Any, page: Any
) -> None:
    for _ in range(10):
        factories.institution("11")
    for _ in range(4):
        f.inspector("11")
    tianjin = [f.inspector("12"), f.inspector("12")]
    beijing, tianjin_regulator = factories.regulator("11"), factories.regulator("12")
    plan = f.plan(("11",))
    base = live_server.url

    _login(page, base, beijing)
    page.goto(f"{base}/supervision/plans/{plan.pk}/")
    page.click("text=开始本期抽查批次")
    batch = Batch.objects.get(plan=plan)
    page.goto(f"{base}/supervision/batches/{batch.pk}/")
    page.click("#freeze-link")
    page.click("#freeze-button")
    reason = page.locator("#freeze-refusal").inner_text()
    assert "北京市：需要至少 3 名外地区检查人员名额，现有 0 名" in reason
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN
    page.click("#inspector-directory-link")
    page.wait_for_url(f"{base}/supervision/inspectors/")

    _login(page, base, tianjin_regulator)
    for expert in tianjin:
        page.goto(f"{base}/supervision/inspectors/{expert.pk}/edit/")
        page.check("#id_cross_region")
        page.click("#save-availability")
        page.wait_for_url(f"{base}/supervision/inspectors/")

    _login(page, base, beijing)
    page.goto(f"{base}/supervision/batches/{batch.pk}/freeze/")
    page.click("#freeze-button")
    snapshot = page.locator("#snapshot-sha256").inner_text()  # waits for the answer page
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FROZEN
    assert snapshot == batch.snapshot_sha256
    page.goto(f"{base}/supervision/batches/{batch.pk}/")
    page.click("#commit-link")
    page.click("#generate-secret")
    secret = page.input_value("#secret")
    # expect() polls from Playwright's side: a wait_for_function string is evaluated in the
    # page, which the CSP (no 'unsafe-eval') refuses once it has to poll.
    expect(page.locator("#id_commit")).to_have_value(COMMITMENT)
    page.check("#kept")
    page.click("#commit-button")
    page.wait_for_url(f"{base}/supervision/batches/{batch.pk}/")
    page.click("#reveal-link")
    page.fill("input[name=reveal]", secret)
    page.click("#reveal-button")
    page.wait_for_url(f"{base}/supervision/batches/{batch.pk}/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAWN
    page.click("#tasks-link")
    # to_have_count polls: a bare count() may read the batch page the click is leaving
    assert batch.tasks.count() > 0
    expect(page.locator("table.results tbody tr")).to_have_count(batch.tasks.count())
    assert "检查组未配齐" not in page.locator("table.results tbody").inner_text()
    assert not batch.tasks.filter(status=TaskStatus.UNSTAFFED).exists()
    assert all(task.team.count() == 2 for task in batch.tasks.all())
