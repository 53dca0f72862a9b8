"""Large exports and certificate PDFs in bulk run as jobs with a result file (issue 12)."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from ticcoop.accounts.roles import Role
from ticcoop.certificates.tests import factories as cf
from ticcoop.jobs.models import Job, JobState
from ticcoop.jobs.runner import drop_expired_results
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_small_export_is_answered_in_the_request(settings: Any) -> None:
    cf.certificate("13")
    response = Client().get("/certificates/export/?format=csv&kind=certificates")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert not Job.objects.exists()


def test_large_export_runs_as_a_job_and_its_file_is_kept_then_dropped(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TICCOOP_EXPORT_JOB_ROWS = 2
    numbers = sorted(cf.certificate(code).number for code in ("11", "12", "13"))
    user = factories.user(Role.INSTITUTION_USER, "13")
    client = signed_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/certificates/export/?format=csv&kind=certificates")
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.state == JobState.DONE and (job.rows_done, job.rows_total) == (3, 3)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="job-file"' in page and "100 %" in page
    download = client.get(f"/jobs/{job.pk}/file/")
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert download["Content-Disposition"].endswith('filename="certificates.csv"')
    assert [line.split(",")[0] for line in body.splitlines()[1:]] == numbers
    other = signed_in(factories.user(Role.INSTITUTION_USER, "13"))
    assert other.get(f"/jobs/{job.pk}/file/").status_code == 403
    # the daily schedule drops the file after TICCOOP_JOB_RESULT_DAYS, not before
    path = Path(job.result_file.path)
    assert drop_expired_results(timezone.now() + timedelta(days=6)) == 0 and path.exists()
    assert drop_expired_results(timezone.now() + timedelta(days=8)) == 1 and not path.exists()
    assert client.get(f"/jobs/{job.pk}/file/").status_code == 404
    assert "已过保留期" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_large_xlsx_export_job_and_a_visitor_is_asked_to_sign_in(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TICCOOP_EXPORT_JOB_ROWS = 1
    cf.certificate("13")
    visitor = Client().get("/certificates/export/?region=13")
    assert visitor.status_code == 302 and "/login" in visitor.url and not Job.objects.exists()
    client = signed_in(factories.regulator("13"))
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/certificates/export/?region=13")
    job = Job.objects.get()
    assert job.state == JobState.DONE and job.result["file_name"] == "registry.xlsx"
    workbook = load_workbook(io.BytesIO(job.result_file.read()), read_only=True)
    assert len(workbook.sheetnames) == 3


def test_bulk_pdfs_contain_only_the_regulators_own_region(
    django_capture_on_commit_callbacks: Any,
) -> None:
    own = [cf.certificate("13").number for _ in range(2)]
    foreign = cf.certificate("12").number
    regulator = factories.regulator("13")
    client = signed_in(regulator)
    names: list[set[str]] = []
    for region in ("", "12"):  # no region filter, and another region asked for on purpose
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/certificates/pdfs/", {"q": "", "region": region})
        job = Job.objects.get(pk=int(response.url.strip("/").split("/")[-1]))
        if region == "12":
            assert job.state == JobState.FAILED and "没有符合条件的本地区证书" in job.error
            assert not job.result_file
            continue
        assert job.state == JobState.DONE and (job.rows_done, job.rows_total) == (2, 2)
        with zipfile.ZipFile(io.BytesIO(job.result_file.read())) as archive:
            names.append(set(archive.namelist()))
            assert all(archive.read(n).startswith(b"%PDF") for n in archive.namelist())
    assert names == [{f"certificate-{n}.pdf" for n in own}]
    assert f"certificate-{foreign}.pdf" not in names[0]


def test_bulk_pdfs_are_for_regulators_only() -> None:
    client = signed_in(factories.user(Role.INSTITUTION_USER, "13"))
    assert client.post("/certificates/pdfs/", {"q": ""}).status_code == 403
    assert not Job.objects.exists()
    search = signed_in(factories.regulator("13")).get("/certificates/").content.decode()
    assert 'id="pdf-bulk"' in search
