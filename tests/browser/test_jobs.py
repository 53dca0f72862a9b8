"""Issue 12 in a real browser: upload a registry file, watch the job page reach 100 %, see the
result; the page's static script polls the status and shows the result when the job ends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ticcoop.jobs import services as job_services
from ticcoop.jobs.models import Job
from ticcoop.jobs.runner import execute_job
from ticcoop.registry.models import Institution
from ticcoop.testing import factories
from ticcoop.testing.consumer import institutions_csv
from ticcoop.testing.otp import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_watch_the_job_reach_100_and_see_the_result(
    live_server: Any, page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The "consumer" is this test: jobs wait in the queue until the test runs them, so the
    # page is seen queued first and must notice by itself that the job has ended.
    queued: list[int] = []
    monkeypatch.setattr(job_services, "_enqueue", queued.append)
    user = factories.regulator("13")
    # The login page, then the second factor regulators give, back to the import page.
    browser_login(page, live_server.url, user, factories.PASSWORD, "/certificates/import/")
    page.wait_for_url("**/certificates/import/")
    upload = tmp_path / "institutions.csv"
    upload.write_bytes(institutions_csv(200, regions=["13"]))
    page.set_input_files("input[type=file]", str(upload))
    page.click("form.upload button")
    page.wait_for_url("**/jobs/*/")
    assert page.locator("#job-state").get_attribute("data-state") == "queued"
    assert page.locator("#job-percent").inner_text() == "0 %"
    execute_job(queued.pop())
    page.wait_for_selector("#job-result")  # polled, then reloaded by jobs/job.js
    assert page.locator("#job-percent").inner_text() == "100 %"
    assert "200" in page.locator("#job-result").inner_text()
    checked_at = page.url
    page.click("#confirm-import")
    # the import is a new job: wait for its page, not the check's page that matches the same glob
    page.wait_for_url(lambda url: "/jobs/" in url and url != checked_at)
    assert not Institution.objects.exists()
    execute_job(queued.pop())
    page.wait_for_selector("#job-result")
    assert "已导入" in page.locator("#job-result").inner_text()
    assert page.locator("#job-percent").inner_text() == "100 %"
    assert Institution.objects.count() == 200 and Job.objects.filter(state="done").count() == 2
