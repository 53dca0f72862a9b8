"""The demo's competition in progress: its judges log in with the demo password and score."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from ticcoop.accounts.demo import DEMO_PASSWORD
from ticcoop.competitions.models import CompetitionStatus, Judge, JudgeScore, Stage, StageNumber
from ticcoop.competitions.queries import judge_sheet

pytestmark = pytest.mark.django_db


def test_demo_judges_log_in_and_score_in_the_competition_in_progress() -> None:
    out = StringIO()
    call_command("demo_data", institutions=60, seed=5, stdout=out)
    assert "judge_bj_1、judge_bj_2、judge_tj_1" in out.getvalue()
    judge = Judge.objects.select_related("competition").get(
        expert__user__username="judge_bj_1",
        competition__status=CompetitionStatus.IN_PROGRESS,
    )
    client = Client()
    assert client.login(username="judge_bj_1", password=DEMO_PASSWORD)
    assert judge.competition.title in client.get("/competitions/judging/").content.decode()
    sheet = client.get(f"/competitions/judges/{judge.pk}/")
    assert sheet.status_code == 200 and "提交评分" in sheet.content.decode()

    number = next(row.number for row in judge_sheet(judge) if not row.excluded)
    response = client.post(
        f"/competitions/judges/{judge.pk}/",
        {"number": number, "item_0": "35", "item_1": "25", "item_2": "26"},
    )
    assert response.status_code == 302
    contestant = StageNumber.objects.get(
        competition=judge.competition, number=number, stage=Stage.OPERATION
    ).contestant
    score = JudgeScore.objects.get(judge=judge, contestant=contestant)
    assert float(score.total) == 86 and score.entered_by.username == "judge_bj_1"
