"""Open-data files come from the daily snapshot job (issue 12); without one, or with
parameters, they are built live as before."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from ticcoop.config import schedules
from ticcoop.disclosure import snapshots
from ticcoop.jobs.models import Job, JobState
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def take_snapshot(capture: Any) -> Job:
    with capture(execute=True):
        schedules.opendata_snapshot.call_local()
    return Job.objects.filter(kind=snapshots.OPENDATA_SNAPSHOT).latest("pk")


def institutions_total(body: bytes, region: str = "13") -> int:
    board = json.loads(body)
    table = next(t for t in board["tables"] if t["key"] == "institutions")
    row = next(r for r in table["rows"] if r["region_code"] == region)
    return int(row["values"]["total"])


def test_the_schedule_takes_a_snapshot_daily_and_pages_serve_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    at_two = datetime(2026, 3, 1, 18, 0)  # noqa: DTZ001 - 02:00 Beijing, Huey's naive UTC
    names = {task.name for task in django_settings.HUEY.read_periodic(at_two)}
    assert "ticcoop.opendata_snapshot" in names
    client = Client()
    assert "X-Snapshot-Generated-At" not in client.get("/public/dashboard.json")  # live
    factories.institution("13")
    job = take_snapshot(django_capture_on_commit_callbacks)
    assert job.state == JobState.DONE and job.rows_done == job.rows_total == len(
        job.result["files"]
    )
    factories.institution("13")  # after the snapshot: the files still show one
    served = client.get("/public/dashboard.json")
    assert served["X-Snapshot-Generated-At"] == job.result["generated_at"]
    assert institutions_total(served.content) == 1
    live = client.get(f"/public/dashboard.json?year={job.result['year']}")
    assert "X-Snapshot-Generated-At" not in live and institutions_total(live.content) == 2
    table = client.get("/public/dashboard/institutions.csv")
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert (
        table["X-Snapshot-Generated-At"]
        and {r["region_code"]: r["total"] for r in rows}["13"] == "1"
    )
    for name in ("dashboard.csv", "data/results.csv", "data/results.json"):
        assert client.get(f"/public/{name}")["X-Snapshot-Generated-At"], name
    filtered = client.get("/public/data/results.json?result=no_problem")
    assert filtered.status_code == 200 and "X-Snapshot-Generated-At" not in filtered


def test_only_the_two_latest_snapshots_keep_their_files(
    django_capture_on_commit_callbacks: Any,
) -> None:
    jobs = [take_snapshot(django_capture_on_commit_callbacks) for _ in range(3)]
    first, second, third = (Job.objects.get(pk=j.pk) for j in jobs)
    assert first.result["files"] == {} and second.result["files"] and third.result["files"]
    old_path = Path(django_settings.MEDIA_ROOT) / "opendata" / str(first.pk)
    assert not any(old_path.glob("*")) and snapshots.latest() == third


def test_a_request_in_another_language_is_answered_live(
    django_capture_on_commit_callbacks: Any,
) -> None:
    take_snapshot(django_capture_on_commit_callbacks)
    client = Client(headers={"accept-language": "en"})
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/public/dashboard.json")
    assert response.status_code == 200 and "X-Snapshot-Generated-At" not in response
