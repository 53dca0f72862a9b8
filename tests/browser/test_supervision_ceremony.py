"""A full seed ceremony through the workbench pages, the commits computed in the browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from ticcoop.cli.draw_verify import main as verify_main
from ticcoop.methods.seed import commit_for
from ticcoop.supervision.models import Batch, BatchStatus, Commitment
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories
from ticcoop.testing.otp import browser_login

COMMITMENT = re.compile(r"^.{64}$")  # the browser computes the hex SHA-256 of the secret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, user: User) -> None:
    browser_login(page, base, user, factories.PASSWORD)  # regulators give a TOTP code too
    page.wait_for_url(base + "/workbench/")  # 我的工作台: where every role lands


def _download(page: Any, selector: str, target: Path) -> Path:
    with page.expect_download() as info:
        page.click(selector)
    info.value.save_as(target)
    return target


def test_two_regions_run_the_ceremony_in_the_browser(
    live_server: Any, page: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f.population()
    users = {"11": factories.regulator("11"), "12": factories.regulator("12")}
    plan = f.plan(("11", "12"))
    base = live_server.url
    _login(page, base, users["11"])
    page.goto(f"{base}/supervision/plans/{plan.pk}/")
    page.click("text=开始本期抽查批次")
    batch = Batch.objects.get(plan=plan)
    page.goto(f"{base}/supervision/batches/{batch.pk}/")
    page.click("#freeze-link")
    page.click("#freeze-button")
    snapshot = page.locator("#snapshot-sha256").inner_text()  # waits for the answer page
    batch.refresh_from_db()
    assert snapshot == batch.snapshot_sha256
    secrets: dict[str, str] = {}
    for code, user in users.items():
        _login(page, base, user)
        page.goto(f"{base}/supervision/batches/{batch.pk}/")
        page.click("#commit-link")
        page.click("#generate-secret")
        secrets[code] = page.input_value("#secret")
        # expect() polls from Playwright's side: a wait_for_function string is evaluated in the
        # page, which the CSP (no 'unsafe-eval') refuses once it has to poll.
        expect(page.locator("#id_commit")).to_have_value(COMMITMENT)
        page.check("#kept")
        with page.expect_request(lambda r: r.method == "POST") as sent:
            page.click("#commit-button")
        assert secrets[code] not in (sent.value.post_data or "")  # the secret stays home
        page.wait_for_url(f"{base}/supervision/batches/{batch.pk}/")
    for commitment in Commitment.objects.select_related("ceremony", "region"):
        code = commitment.region.code
        assert commitment.commit == commit_for(commitment.ceremony.label, code, secrets[code])
    for code, user in users.items():
        _login(page, base, user)
        page.goto(f"{base}/supervision/batches/{batch.pk}/")
        page.click("#reveal-link")
        page.fill("input[name=reveal]", secrets[code])
        page.click("#reveal-button")
        page.wait_for_url(f"{base}/supervision/batches/{batch.pk}/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAWN
    page.click("#tasks-link")
    # to_have_count polls: a bare count() may read the batch page the click is leaving
    assert batch.tasks.count() > 0
    expect(page.locator("table.results tbody tr")).to_have_count(batch.tasks.count())
    page.click("#notice-link")
    manifest = _download(page, "#manifest-link", tmp_path / "manifest.json")
    targets = _download(page, "text=targets.csv", tmp_path / "targets.csv")
    inspectors = _download(page, "text=inspectors.csv", tmp_path / "inspectors.csv")
    keys = tmp_path / "keys.json"
    keys.write_bytes(page.request.get(f"{base}/api/trust/keys").body())
    argv = [str(manifest), "--targets", str(targets), "--inspectors", str(inspectors)]
    assert verify_main([*argv, "--keys", str(keys)]) == 0
    assert capsys.readouterr().out == "OK\n"
