"""Real consumer processes (issue 12): SQLite queue storage always, Redis when
TICCOOP_TEST_REDIS=1 (CI). Each test builds a throw-away site in a temporary folder.

Kept fast: the database is migrated once per session and copied for each site (a migrate is
a minute of CPU on a busy machine); imports are as small as still leave a window to kill the
consumer in (a dry run of 3,000 rows, a write of 10,000); the 60,000-row test is the issue's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ticcoop.testing.consumer import Site, institutions_csv

PORT = int(os.environ.get("TICCOOP_TEST_PORT", "8046"))  # a free port of this machine
REDIS_URL = os.environ.get("TICCOOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
BACKENDS = [
    "sqlite",
    pytest.param(
        "redis",
        marks=pytest.mark.skipif(
            os.environ.get("TICCOOP_TEST_REDIS") != "1",
            reason="TICCOOP_TEST_REDIS=1 runs against Redis",
        ),
    ),
]


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """One migrated database; every site starts from a copy of it."""
    template = Site(tmp_path_factory.mktemp("template"))
    template.migrate()
    return template


@pytest.fixture(params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path: Path, migrated: Site) -> Iterator[Site]:
    site = Site(tmp_path, redis_url=REDIS_URL if request.param == "redis" else "")
    site.migrate(template=migrated)
    yield site
    site.stop_all()


def test_a_consumer_runs_an_import_job(site: Site) -> None:
    job_id = site.enqueue_import(institutions_csv(300), dry_run=False)
    assert site.job(job_id)["state"] == "queued"
    site.start_consumer()
    job = site.wait_for(job_id, {"done", "failed"}, timeout=120)
    assert job == {**job, "state": "done", "rows_done": 300, "rows_total": 300, "error": ""}
    assert site.query("SELECT COUNT(*) FROM registry_institution")[0][0] == 300


def test_killed_consumer_leaves_no_partial_rows_and_the_job_is_retried(site: Site) -> None:
    rows = 10_000
    job_id = site.enqueue_import(institutions_csv(rows), dry_run=False)
    consumer = site.start_consumer()
    deadline = time.monotonic() + 300
    # kill -9 once every row is checked, i.e. while the rows are being written
    while time.monotonic() < deadline:
        live = site.live_progress(job_id)
        if live and live["done"] >= rows:
            break
        time.sleep(0.05)
    site.kill(consumer)
    assert site.job(job_id)["state"] == "running"
    assert site.query("SELECT COUNT(*) FROM registry_institution")[0][0] == 0
    time.sleep(site.lease + 0.5)  # the dead consumer's lease runs out
    site.start_consumer()  # its start sweeps the stale job back into the queue
    job = site.wait_for(job_id, {"done", "failed"}, timeout=300)
    assert job["state"] == "done" and job["attempt"] == 2
    assert site.query("SELECT COUNT(*) FROM registry_institution")[0][0] == rows


def test_a_job_killed_twice_ends_failed_not_running(site: Site) -> None:
    job_id = site.enqueue_import(institutions_csv(3_000), dry_run=True)
    for attempt in (1, 2):
        consumer = site.start_consumer()
        deadline = time.monotonic() + 120
        while site.job(job_id)["attempt"] < attempt and time.monotonic() < deadline:
            time.sleep(0.05)
        site.kill(consumer)
        time.sleep(site.lease + 0.5)
    site.start_consumer()
    job = site.wait_for(job_id, {"done", "failed"}, timeout=240)
    assert job["state"] == "failed" and "终止" in job["error"]


def test_a_60000_row_import_finishes_as_a_job_while_pages_stay_responsive(
    tmp_path: Path, migrated: Site
) -> None:
    """The issue's reproduction: a 60,000-row confirm timed out in the request. As a job it
    ends done, and the web server answers meanwhile (SQLite, WAL: readers never wait)."""
    site = Site(tmp_path)
    site.migrate(template=migrated)
    server = subprocess.Popen(
        [sys.executable, "-m", "ticcoop.cli", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        env=site.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        job_id = site.enqueue_import(institutions_csv(60_000), dry_run=False)
        site.start_consumer()
        slowest = 0.0
        answered = 0
        while site.job(job_id)["state"] in ("queued", "running"):
            start = time.monotonic()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/certificates/", timeout=10):
                    answered += 1
            except OSError:  # the server is still starting
                time.sleep(0.5)
                continue
            slowest = max(slowest, time.monotonic() - start)
            time.sleep(0.5)
        job = site.job(job_id)
        assert job["state"] == "done" and job["rows_done"] == 60_000, job
        assert site.query("SELECT COUNT(*) FROM registry_institution")[0][0] == 60_000
        assert answered >= 3 and slowest < 5.0
    finally:
        server.kill()
        server.wait(timeout=30)
        site.stop_all()
