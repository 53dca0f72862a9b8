"""Result submission: web form, CSV/XLSX upload with precise errors, corrections as versions."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from ticcoop.proficiency import services
from ticcoop.proficiency.models import Participant, Result, ResultSource
from ticcoop.proficiency.queries import latest_results
from ticcoop.proficiency.tests import factories as pf
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab() -> tuple[Client, Participant]:
    rnd = pf.round_(pf.scheme("12", measurands=2))
    institution = factories.institution("15")
    user = pf.institution_user(institution)
    participant = services.enrol(user, rnd, institution)
    services.dispatch_items(pf.organiser("12"), rnd)
    client = Client()
    client.force_login(user)
    return client, participant


def url(participant: Participant) -> str:
    return f"/pt/rounds/{participant.round_id}/results/"


def test_web_form_submission_and_correction_as_a_new_version(lab: Any) -> None:
    client, participant = lab
    lead, cadmium = participant.round.scheme.measurands.all()
    form = {
        f"value_{lead.pk}": "10.2",
        f"u_{lead.pk}": "0.4",
        f"k_{lead.pk}": "2",
        f"method_{lead.pk}": "GB 5009.12",
        f"value_{cadmium.pk}": "<0.05",
    }
    assert client.post(url(participant), form).status_code == 302
    form[f"value_{lead.pk}"] = "10.4"
    client.post(url(participant), form)
    versions = list(Result.objects.filter(measurand=lead).values_list("version", "value"))
    assert versions == [(1, 10.2), (2, 10.4)]
    latest = latest_results(participant.round)
    assert latest[(participant.pk, lead.pk)].value == 10.4
    censored = latest[(participant.pk, cadmium.pk)]
    assert (censored.value, censored.censor, censored.reported) == (0.05, -1, "<0.05")
    page = client.get(url(participant)).content.decode()
    assert "v2" in page and "GB 5009.12" in page


def test_form_errors_are_precise_and_nothing_is_saved(lab: Any) -> None:
    client, participant = lab
    lead, cadmium = participant.round.scheme.measurands.all()
    form = {f"value_{lead.pk}": "10,2", f"value_{cadmium.pk}": "0.1", f"u_{cadmium.pk}": "-1"}
    page = client.post(url(participant), form, follow=True).content.decode()
    assert "“铅”的结果：“10,2”不是数字" in page
    assert "“镉”的U：须为正数，而不是 -1" in page
    assert not Result.objects.exists()


def test_form_keeps_what_was_typed_after_an_error(lab: Any) -> None:
    """One wrong field must not clear the whole form (issue 13)."""
    client, participant = lab
    lead, cadmium = participant.round.scheme.measurands.all()
    form = {
        f"value_{lead.pk}": "10,2",
        f"u_{lead.pk}": "0.4",
        f"method_{lead.pk}": "GB 5009.12",
        f"value_{cadmium.pk}": "0.137",
    }
    page = client.post(url(participant), form).content.decode()
    assert "不是数字" in page
    for typed in ('value="10,2"', 'value="0.4"', 'value="GB 5009.12"', 'value="0.137"'):
        assert typed in page
    assert not Result.objects.exists()


def upload(client: Client, participant: Participant, name: str, content: bytes) -> Any:
    return client.post(
        f"/api/pt/rounds/{participant.round_id}/results/upload",
        {"file": SimpleUploadedFile(name, content)},
    )


def test_csv_upload_names_row_column_and_reason(lab: Any) -> None:
    client, participant = lab
    csv = "测量项目,结果,U,k,方法\n铅,10.1,0.3,2,ICP-MS\n锌,1.0,,,\n镉,abc,,,\n镉,0.2,,3,\n"
    response = upload(client, participant, "results.csv", csv.encode("utf-8-sig"))
    assert response.status_code == 422
    errors = response.json()["errors"]["__all__"]
    assert "第 3 行，列“测量项目”：本计划没有测量项目“锌”（可选：铅、镉）" in errors
    assert "第 4 行，列“结果”：“abc”不是数字，也不是“<0.5”“>100”形式的删失值" in errors
    assert "第 5 行，列“U”：给出 k 时须同时给出 U" in errors
    assert "第 5 行，列“测量项目”：“镉”重复" in errors
    assert not Result.objects.exists()
    missing = upload(client, participant, "r.csv", "项目,U\n铅,1\n".encode())
    assert "缺少列：结果" in str(missing.json())


def test_csv_in_gb18030_and_xlsx_are_accepted(lab: Any) -> None:
    client, participant = lab
    csv = "测量项目,结果,U,k\n铅,>100,,\n".encode("gb18030")
    assert upload(client, participant, "r.csv", csv).status_code == 201
    book = Workbook()
    sheet = book.active
    sheet.append(["测量项目", "结果", "U", "k", "方法"])
    sheet.append(["铅", 10.25, 0.5, 2, "AAS"])
    sheet.append([None, None, None, None, None])
    sheet.append(["镉", "<0.01", None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(client, participant, "r.xlsx", buffer.getvalue())
    assert response.status_code == 201, response.content
    assert [(r["measurand"], r["version"], r["reported"]) for r in response.json()] == [
        ("铅", 2, "10.25"),
        ("镉", 1, "<0.01"),
    ]
    assert set(Result.objects.values_list("source", flat=True)) == {ResultSource.FILE}
    assert upload(client, participant, "r.txt", b"x").status_code == 422


def test_only_the_institution_or_the_organiser_submits(lab: Any) -> None:
    _client, participant = lab
    stranger = Client()
    stranger.force_login(pf.institution_user(factories.institution("11")))
    body = '{"results": [{"measurand": "铅", "result": "1"}]}'
    base = f"/api/pt/rounds/{participant.round_id}/results"
    assert stranger.post(base, body, content_type="application/json").status_code == 403
    assert (
        stranger.post(
            f"{base}?code={participant.code}", body, content_type="application/json"
        ).status_code
        == 403
    )
    organiser = Client()
    organiser.force_login(pf.organiser("12"))
    response = organiser.post(
        f"{base}?code={participant.code}", body, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()[0]["source"] == "api"
