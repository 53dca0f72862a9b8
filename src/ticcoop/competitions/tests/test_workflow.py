"""Scoring, confirmation, appeals, publication and award certificates, end to end."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from ticcoop.accounts.roles import Role
from ticcoop.competitions import services
from ticcoop.competitions.models import (
    Award,
    Competition,
    CompetitionStatus,
    Result,
    Stage,
    TheoryScore,
)
from ticcoop.competitions.tests import factories as cf
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _end_appeal_window(competition: Competition) -> None:
    Competition.objects.filter(pk=competition.pk).update(
        appeal_deadline=timezone.now() - timedelta(seconds=1)
    )


@pytest.fixture
def running() -> cf.Running:
    return cf.Running()


def test_theory_import_is_atomic_and_names_the_bad_row(running: cf.Running) -> None:
    c = running.contestants
    good, other = cf.number(c["11"], Stage.THEORY), cf.number(c["12"], Stage.THEORY)
    csv = f"编号,成绩,交卷时间\n{good},88.5,2025-09-20 10:31\nXX-T999,70\n{other},101\n"
    client = _client(running.organiser)
    url = f"/api/competitions/{running.competition.pk}/theory-scores/import"
    response = client.post(url, {"file": _named("s.csv", csv.encode())})
    assert response.status_code == 422
    text = _text(response)
    assert "第 3 行" in text and "XX-T999" in text
    assert "第 4 行" in text and "0–100" in text
    assert not TheoryScore.objects.exists()

    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "成绩"])
    sheet.append([good, 88.5])
    sheet.append([other, 92])
    data = io.BytesIO()
    book.save(data)
    response = client.post(url, {"file": _named("s.xlsx", data.getvalue())})
    assert response.json() == {"imported": 2}
    assert sorted(TheoryScore.objects.values_list("score", flat=True)) == [88.5, 92]


class _Named(io.BytesIO):
    name = ""


def _named(name: str, data: bytes) -> Any:
    buffer = _Named(data)
    buffer.name = name
    return buffer


def test_score_entry_validates_range_and_judge_exclusion(running: cf.Running) -> None:
    client = _client(running.organiser)
    base = f"/api/competitions/{running.competition.pk}"
    beijing = running.contestants["11"]
    response = client.post(
        base + "/theory-scores",
        {"number": cf.number(beijing, Stage.THEORY), "score": 120},
        content_type="application/json",
    )
    assert response.status_code == 422 and "0–100" in _text(response)
    home_judge = running.judges[0]  # works at the Beijing contestant's institution
    response = client.post(
        base + "/judge-scores",
        {"judge_id": home_judge.pk, "number": cf.number(beijing, Stage.OPERATION), "total": 99},
        content_type="application/json",
    )
    assert response.status_code == 422 and "须回避" in _text(response)
    # Region rule: the Tianjin judges must also step aside for the Tianjin contestant.
    Competition.objects.filter(pk=running.competition.pk).update(judge_exclusion="region")
    with pytest.raises(ValidationError, match="须回避"):
        services.record_judge_score(
            running.organiser, running.judges[1], running.contestants["12"], total=80
        )
    # Only the organiser region enters scores.
    outsider = _client(factories.regulator("11"))
    response = outsider.post(
        base + "/blind-results",
        {"number": cf.number(beijing, Stage.BLIND), "value": 10.0},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_confirmation_needs_every_score(running: cf.Running) -> None:
    services.record_theory_score(running.organiser, running.contestants["11"], 80)
    with pytest.raises(ValidationError, match="缺少成绩"):
        services.confirm_scores(running.organiser, running.competition)


def test_results_follow_the_published_rules(running: cf.Running) -> None:
    running.confirmed()
    results = {
        r.contestant.region.code: r for r in Result.objects.select_related("contestant__region")
    }
    beijing = results["11"]
    # x_pt = 10.0 (reference), sigma_pt = 0.5: 10.0 → z 0 → 100; 12.0 → z 4 → 0.
    assert float(beijing.blind_z) == 0.0 and float(beijing.blind) == 100
    assert float(results["15"].blind) == 0
    # Beijing: judge 0 excluded; judges 1-5 scored 81..85 → trimmed mean of 82, 83, 84.
    assert beijing.detail["judges_counted"] == 5
    assert float(beijing.operation) == 83.0
    # Others: six judges 80..85 → drop 80 and 85 → 82.5.
    assert float(results["12"].operation) == 82.5
    # total = 0.3 × 90 + 0.3 × 100 + 0.4 × 83 = 90.2
    assert float(beijing.total) == 90.2
    assert beijing.rank == 1
    assert sorted(r.rank for r in results.values()) == [1, 2, 3, 4, 5]
    # Shares 10/20/30 % of 5: gold R(0.5)=1, silver R(1.5)-1=1, bronze R(3)-2=1.
    assert sorted(r.medal for r in results.values()) == ["", "", "bronze", "gold", "silver"]


def test_scores_immutable_after_confirmation_corrections_need_reason(running: cf.Running) -> None:
    running.confirmed()
    person = running.contestants["12"]
    with pytest.raises(ValidationError, match="必须填写更正原因"):
        services.record_theory_score(running.organiser, person, 95)
    services.record_theory_score(running.organiser, person, 95, reason="复核阅卷")
    assert TheoryScore.objects.filter(contestant=person).count() == 2


def test_appeal_blocks_publication_until_answered(running: cf.Running) -> None:
    competition = running.confirmed()
    person = running.contestants["13"]
    lab_user = cf.institution_user(person.institution)
    lab = _client(lab_user)
    other_lab = _client(cf.institution_user(running.institutions["14"]))
    public = Client()

    # Own institution sees the breakdown; another institution does not; public: no ranking.
    assert lab.get(f"/competitions/contestants/{person.pk}/").status_code == 200
    assert other_lab.get(f"/competitions/contestants/{person.pk}/").status_code == 403
    assert "尚未公布" in public.get(f"/competitions/{competition.pk}/results/").content.decode()
    assert public.get(f"/api/competitions/{competition.pk}/results").json()["individuals"] == []

    services.open_appeals(running.organiser, competition, timezone.now() + timedelta(days=3))
    response = lab.post(
        f"/api/competitions/contestants/{person.pk}/appeals",
        {"text": "盲样结果录入有误"},
        content_type="application/json",
    )
    assert response.status_code == 201
    appeal_id = response.json()["id"]
    assert (
        other_lab.post(
            f"/api/competitions/contestants/{person.pk}/appeals",
            {"text": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )

    organiser = _client(running.organiser)
    _end_appeal_window(competition)
    response = organiser.post(
        f"/api/competitions/{competition.pk}/actions/publish", {}, content_type="application/json"
    )
    assert response.status_code == 422 and "未答复" in _text(response)

    services.record_blind_result(running.organiser, person, 10.1, reason="申诉复核：录入错误")
    response = organiser.post(
        f"/api/competitions/appeals/{appeal_id}/answer",
        {"outcome": "upheld", "answer": "已更正盲样结果"},
        content_type="application/json",
    )
    assert response.status_code == 200
    told = lab_user.notices.get()  # issue 12: the appellant's inbox hears the answer
    assert (told.key, told.params["decision"]) == ("decision", "answered")
    response = organiser.post(
        f"/api/competitions/{competition.pk}/actions/publish", {}, content_type="application/json"
    )
    assert response.json()["status"] == CompetitionStatus.RESULTS_PUBLISHED

    ranking = public.get(f"/api/competitions/{competition.pk}/results").json()
    assert ranking["published"] and len(ranking["individuals"]) == 5
    # Each published row carries the contestant id: its breakdown is one request away.
    person.refresh_from_db()
    row = next(r for r in ranking["individuals"] if r["number"] == person.number)
    assert row["contestant_id"] == person.pk
    breakdown = lab.get(f"/api/competitions/contestants/{row['contestant_id']}/breakdown")
    assert breakdown.status_code == 200
    assert breakdown.json()["result"]["total"] == row["total"]
    assert {r["team"] for r in ranking["regions"]} == set(cf.REGIONS)
    page = public.get(f"/competitions/{competition.pk}/results/").content.decode()
    assert person.person_name in page and "团体排名（地区）" in page
    # Published: no more corrections.
    with pytest.raises(ValidationError):
        services.record_theory_score(running.organiser, person, 50, reason="太晚了")


def test_award_certificate_verifies_and_tampering_is_detected(running: cf.Running) -> None:
    competition = running.confirmed()
    services.open_appeals(running.organiser, competition, timezone.now() + timedelta(days=1))
    _end_appeal_window(competition)
    services.publish_results(running.organiser, competition)
    award = Award.objects.get(medal="gold")
    assert award.number.startswith("JN202513-")

    client = Client()
    pdf = client.get(f"/competitions/awards/{award.number}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert award.token.encode() in pdf.content  # in the PDF metadata for offline checks

    page = client.get("/competitions/awards/verify/", {"t": award.token}).content.decode()
    assert "真实有效" in page and "与平台记录一致" in page
    assert award.contestant.person_name in page

    head, kid, payload, signature = award.token.split(".")
    fields = json.loads(_b64decode(payload))
    fields["medal"] = "gold" if fields["medal"] != "gold" else "silver"
    forged = ".".join([head, kid, _b64encode(json.dumps(fields)), signature])
    page = client.get("/competitions/awards/verify/", {"t": forged}).content.decode()
    assert "签名无效（可能伪造）" in page and "内容在签发后被改动过" in page
    assert "not valid" not in page  # the method's English reason stays in the API
    api = client.get("/api/competitions/awards/verify", {"t": forged}).json()
    assert api["valid"] is False
    assert client.get("/api/competitions/awards/verify", {"t": award.token}).json()["on_record"]


def _b64decode(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(text: str) -> str:
    import base64

    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_judge_lists_the_contestants_on_their_sheets_through_the_api(running: cf.Running) -> None:
    excluded_judge = running.judges[0]  # works at the Beijing contestant's institution
    user = factories.user(Role.INSPECTOR, "11")
    excluded_judge.expert.user = user
    excluded_judge.expert.save()
    judge_client = _client(user)
    sheets = judge_client.get("/api/competitions/judging").json()
    assert [s["judge_id"] for s in sheets] == [excluded_judge.pk]
    rows = sheets[0]["rows"]
    beijing = cf.number(running.contestants["11"], Stage.OPERATION)
    assert sorted(r["number"] for r in rows) == sorted(
        cf.number(c, Stage.OPERATION) for c in running.contestants.values()
    )
    assert [r["number"] for r in rows if r["excluded"]] == [beijing]
    assert "同属一个机构" in next(r["exclusion_reason"] for r in rows if r["excluded"])
    assert "person_name" not in json.dumps(rows)  # numbers only: judges work anonymously

    one = judge_client.get(f"/api/competitions/judges/{excluded_judge.pk}/sheet")
    assert one.status_code == 200 and one.json()["rows"] == rows
    other = running.judges[1]
    assert judge_client.get(f"/api/competitions/judges/{other.pk}/sheet").status_code == 403
    assert Client().get("/api/competitions/judging").status_code == 401
