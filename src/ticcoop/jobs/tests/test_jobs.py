"""Job records in immediate mode: state, result, precise error, re-run, status, access."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ticcoop.accounts.roles import Role
from ticcoop.jobs import services
from ticcoop.jobs.models import Job, JobState
from ticcoop.jobs.runner import JobContext, JobFailure, drop_unclaimed_inputs, job_kind
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db
CALLS: list[str] = []


@job_kind("test-echo")
def echo(job: Job, context: JobContext) -> dict[str, Any]:
    data = job.input_file.read().decode() if job.input_file else ""
    context.set_total(3)
    context.advance(3)
    CALLS.append(data)
    if data == "bad":
        raise JobFailure("第1行：坏数据", {"errors": ["第1行：坏数据"], "errors_total": 1})
    if data == "crash":
        raise RuntimeError("boom")
    return {"message": f"echo {data}"}


def start(user: Any, text: str, capture: Any) -> Job:
    with capture(execute=True):
        job = services.start_job(
            user, "test-echo", upload=SimpleUploadedFile("in.txt", text.encode())
        )
    job.refresh_from_db()
    return job


def test_done_job_has_result_progress_and_times(django_capture_on_commit_callbacks: Any) -> None:
    user = factories.regulator("11")
    job = start(user, "hello", django_capture_on_commit_callbacks)
    assert job.state == JobState.DONE and job.result == {"message": "echo hello"}
    assert (job.rows_done, job.rows_total, job.attempt) == (3, 3, 1)
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert not job.input_file  # the upload is removed once the job has ended well


def test_failed_job_keeps_its_input_and_reruns_with_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = factories.regulator("11")
    job = start(user, "bad", django_capture_on_commit_callbacks)
    assert job.state == JobState.FAILED and job.error == "第1行：坏数据" and job.input_file
    client = Client()
    client.force_login(user)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "第1行：坏数据" in page and 'id="job-rerun"' in page and "jobs/job.js" in page
    CALLS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/jobs/{job.pk}/rerun/")
    again = Job.objects.exclude(pk=job.pk).get()
    assert response.url == f"/jobs/{again.pk}/" and again.rerun_of == job and CALLS == ["bad"]
    status = client.get(f"/jobs/{again.pk}/status/").json()
    assert status["state"] == "failed" and status["finished"] is True
    other = Client()
    other.force_login(factories.user(Role.REGULATOR, "12"))
    assert other.get(f"/jobs/{job.pk}/status/").status_code == 403


def test_a_crash_is_reported_not_raised(django_capture_on_commit_callbacks: Any) -> None:
    job = start(factories.regulator("11"), "crash", django_capture_on_commit_callbacks)
    assert job.state == JobState.FAILED and "RuntimeError: boom" in job.error


def test_an_unconfirmed_dry_runs_file_goes_after_a_day(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = factories.regulator("11")
    job = start(user, "keep", django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(input_file="jobs/inputs/kept.txt")
    job.refresh_from_db()
    assert drop_unclaimed_inputs(job.finished_at + timedelta(hours=23)) == 0
    assert drop_unclaimed_inputs(job.finished_at + timedelta(hours=25)) == 1
    job.refresh_from_db()
    assert not job.input_file
