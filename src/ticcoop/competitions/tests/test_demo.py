"""The demo's competition in progress: its judges log in with the demo password and score."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from ticcoop.accounts.demo import DEMO_PASSWORD
from ticcoop.competitions.compute import score_blind
from ticcoop.competitions.models import (
    BlindResult,
    Competition,
    CompetitionStatus,
    Judge,
    JudgeScore,
    Result,
    Stage,
    StageNumber,
    TheoryScore,
)
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


def test_demo_competition_in_progress_has_scores_and_a_recusal_and_dq_z_is_exact() -> None:
    call_command("demo_data", institutions=60, seed=2025, stdout=StringIO())
    running = Competition.objects.get(status=CompetitionStatus.IN_PROGRESS)
    assert TheoryScore.objects.filter(contestant__competition=running).exists()
    assert BlindResult.objects.filter(contestant__competition=running).exists()
    assert JudgeScore.objects.filter(contestant__competition=running).exists()
    recusals = [
        row
        for judge in Judge.objects.filter(competition=running)
        for row in judge_sheet(judge)
        if row.excluded
    ]
    assert recusals, "one judge must step aside for a contestant of their employer"

    # Every published z of the finished competition is the rule's: half-up on the exact value.
    finished = Competition.objects.get(status=CompetitionStatus.RESULTS_PUBLISHED)
    results = Result.objects.filter(contestant__competition=finished).select_related(
        "contestant__discipline"
    )
    assert results
    for result in results:
        exact = Decimal(repr(result.detail["blind_value"])) - Decimal(repr(result.detail["x_pt"]))
        z = (exact / Decimal(repr(result.detail["sigma_pt"]))).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        assert Decimal(repr(result.blind_z)) == z, result.contestant.number
    assert results.filter(contestant__number="DQ-004").exists()
    # The example: DQ-004 reported 52.845 against the DQ discipline's published rule
    # (reference 52.0, sigma_pt 5 % of it = 2.6): z = 0.325 → 0.33, not 0.32.
    dq = finished.disciplines.get(code="DQ")
    assert score_blind(finished, dq, {"DQ-004": 52.845}).z["DQ-004"] == Decimal("0.33")
