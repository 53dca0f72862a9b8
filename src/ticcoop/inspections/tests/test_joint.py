from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ticcoop.accounts.roles import Role
from ticcoop.inspections.models import CaseHandover, JointTask, JointTaskFile, JointTaskStatus
from ticcoop.inspections.tests import factories as f
from ticcoop.testing import factories
from ticcoop.testing.downloads import assert_downloads

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def regulators() -> dict[str, Any]:
    return {code: factories.regulator(code) for code in ("11", "12", "13", "14")}


def _propose(client: Client, **extra: Any) -> Any:
    body = {
        "title": "多场所机构联合检查",
        "kind": "multi_site",
        "participants": ["12", "13"],
        "scope": "京津冀三地场所的资质认定条件",
        "planned_start": "2025-05-06",
        "planned_end": "2025-05-20",
    }
    body.update(extra)
    return _post(client, "/api/inspections/joint", body)


def test_workflow_needs_every_participant_to_accept(regulators: dict[str, Any]) -> None:
    bj = _client(regulators["11"])
    leader = f.inspector("11")
    member = f.inspector("13")
    made = _propose(bj, member_ids=[member.pk], leader_id=leader.pk)
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert sorted(made.json()["members"]) == sorted([leader.pk, member.pk])
    tj, heb = _client(regulators["12"]), _client(regulators["13"])
    assert _post(bj, f"/api/inspections/joint/{pk}/start").status_code == 422  # not accepted
    assert _post(tj, f"/api/inspections/joint/{pk}/accept").json()["status"] == "proposed"
    assert _post(tj, f"/api/inspections/joint/{pk}/accept").status_code == 403  # already
    assert _post(heb, f"/api/inspections/joint/{pk}/accept").json()["status"] == "accepted"
    assert _post(tj, f"/api/inspections/joint/{pk}/start").status_code == 403  # not the lead
    assert _post(bj, f"/api/inspections/joint/{pk}/start").json()["status"] == "in_progress"
    assert (
        _post(heb, f"/api/inspections/joint/{pk}/notes", {"text": "河北场所已检查"}).status_code
        == 201
    )
    handed = _post(
        bj,
        f"/api/inspections/joint/{pk}/handovers",
        {"to_region": "13", "summary": "超范围出具报告，移交河北查处"},
    )
    assert handed.status_code == 201
    handover = CaseHandover.objects.get()
    assert (
        _client(regulators["12"]).post(f"/inspections/handovers/{handover.pk}/receive/").status_code
        == 403
    )
    assert CaseHandover.objects.get().received_at is None  # only Hebei may receive
    heb.post(f"/inspections/handovers/{handover.pk}/receive/")
    assert CaseHandover.objects.get().received_by == regulators["13"]
    assert _post(bj, f"/api/inspections/joint/{pk}/report", {"text": "总体符合"}).status_code == 200
    assert _post(bj, f"/api/inspections/joint/{pk}/close").json()["status"] == "closed"
    assert JointTask.objects.get(pk=pk).status == JointTaskStatus.CLOSED


def test_only_participants_team_and_observers_see_a_task(regulators: dict[str, Any]) -> None:
    member = f.inspector("12", with_user=True)
    pk = _propose(_client(regulators["11"]), member_ids=[member.pk]).json()["id"]
    for user in (
        regulators["11"],
        regulators["12"],
        regulators["13"],
        member.user,
        factories.user(Role.NATIONAL_OBSERVER),
    ):
        assert _client(user).get(f"/inspections/joint/{pk}/").status_code == 200
        assert _client(user).get(f"/api/inspections/joint/{pk}").status_code == 200
        assert _client(user).get("/api/inspections/joint").json()["count"] == 1
    outsider = _client(regulators["14"])
    assert outsider.get(f"/inspections/joint/{pk}/").status_code == 404
    assert outsider.get(f"/api/inspections/joint/{pk}").status_code == 404
    assert outsider.get("/api/inspections/joint").json() == {"items": [], "count": 0}
    assert _post(outsider, f"/api/inspections/joint/{pk}/accept").status_code == 404
    lab = f.lab_user(factories.institution("11"))
    assert _client(lab).get(f"/inspections/joint/{pk}/").status_code == 404
    assert Client().get(f"/api/inspections/joint/{pk}").status_code == 401


def test_shared_files_download_for_participants_only_with_their_digest(
    regulators: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    content = b"<html><script>alert(1)</script></html>"
    member = f.inspector("13", with_user=True)
    pk = _propose(_client(regulators["11"]), member_ids=[member.pk]).json()["id"]
    for code in ("12", "13"):
        _post(_client(regulators[code]), f"/api/inspections/joint/{pk}/accept")
    upload = SimpleUploadedFile("现场.txt", content, content_type="text/html")
    tj = _client(regulators["12"])
    tj.post(f"/inspections/joint/{pk}/note/", {"text": "天津场所记录", "attachments": [upload]})
    url = f"/inspections/joint/files/{JointTaskFile.objects.get(task_id=pk).pk}/"
    assert url in tj.get(f"/inspections/joint/{pk}/").content.decode()
    for user in (
        regulators["11"],
        regulators["12"],
        member.user,
        factories.user(Role.NATIONAL_OBSERVER),
    ):
        assert_downloads(_client(user), url, content)
    lab = f.lab_user(factories.institution("11"))
    for outsider in (regulators["14"], lab):
        assert _client(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_bad_proposals_get_precise_errors(regulators: dict[str, Any]) -> None:
    bj = _client(regulators["11"])
    alone = _propose(bj, participants=["11"])
    assert alone.status_code == 422 and "participants" in alone.json()["errors"]
    stranger = f.inspector("15")
    wrong = _propose(bj, member_ids=[stranger.pk])
    assert wrong.status_code == 422 and "members" in wrong.json()["errors"]
    backwards = _propose(bj, planned_end="2025-05-01")
    assert "planned_end" in backwards.json()["errors"]
    assert not JointTask.objects.exists()
    assert JointTask.objects.filter(planned_start=date(2025, 5, 6)).count() == 0
