"""The full demo data as a job: back office page and `ticcoop demo-data --job` (issue 12)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from ticcoop.jobs.models import Job, JobState
from ticcoop.registry.models import Institution
from ticcoop.testing import factories
from ticcoop.web.demo import units

pytestmark = pytest.mark.django_db


def superuser_client() -> Client:
    admin = User.objects.create_superuser("root", "root@example.invalid", factories.PASSWORD)
    client = Client()
    client.force_login(admin)
    return client


def test_the_back_office_loads_the_demo_as_a_job_with_progress(
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = superuser_client()
    assert 'id="demo-start"' in client.get("/jobs/demo-data/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/jobs/demo-data/", {"institutions": "30", "seed": "3"})
    job = Job.objects.get(kind="demo-data")
    assert response.url == f"/jobs/{job.pk}/"
    assert job.state == JobState.DONE, job.error
    assert job.rows_done == job.rows_total == units(30)
    assert Institution.objects.count() == 30 and "演示账号" in "\n".join(job.result["lines"])
    # a second load is refused with the reason, and changes nothing (the demo's accounts
    # end the session of a signed-in superuser: sign in again)
    client.force_login(User.objects.get(username="root"))
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post("/jobs/demo-data/", {"institutions": "30", "seed": "3"})
    assert second.status_code == 302, second.content.decode()[:3000]
    again = Job.objects.filter(kind="demo-data").exclude(pk=job.pk).get()
    assert again.state == JobState.FAILED and "已有机构" in again.error
    assert Institution.objects.count() == 30


def test_only_superusers_start_it_and_the_size_is_checked() -> None:
    client = Client()
    client.force_login(factories.regulator("13"))
    assert client.get("/jobs/demo-data/").status_code == 403
    bad = superuser_client().post("/jobs/demo-data/", {"institutions": "0", "seed": "1"})
    assert bad.status_code == 400 and not Job.objects.exists()


def test_the_command_queues_the_job(django_capture_on_commit_callbacks: Any) -> None:
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_data", institutions=20, seed=4, job=True, stdout=out)
    job = Job.objects.get(kind="demo-data")
    assert f"#{job.pk}" in out.getvalue() and job.user is None
    assert job.state == JobState.DONE and Institution.objects.count() == 20
