"""The organiser's blind-sample and judge pages, judges' own score sheets, withdrawal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ticcoop.accounts.roles import Role
from ticcoop.competitions import services
from ticcoop.competitions.models import (
    BlindResult,
    Competition,
    CompetitionStatus,
    Contestant,
    ContestantStatus,
    Discipline,
    Judge,
    JudgeScore,
    Stage,
)
from ticcoop.competitions.tests import factories as cf
from ticcoop.registry.models import Expert
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def running() -> cf.Running:
    return cf.Running()


def _publish(running: cf.Running) -> None:
    competition = running.confirmed()
    services.open_appeals(running.organiser, competition, timezone.now() + timedelta(days=1))
    Competition.objects.filter(pk=competition.pk).update(
        appeal_deadline=timezone.now() - timedelta(seconds=1)
    )
    services.publish_results(running.organiser, competition)


def test_blind_results_are_entered_by_number_and_scored(running: cf.Running) -> None:
    url = f"/competitions/{running.competition.pk}/blind/"
    organiser = _client(running.organiser)
    values = {"11": "10.0", "12": "10.4", "13": "10.8", "14": "11.2", "15": "12.0"}
    for code, value in values.items():
        number = cf.number(running.contestants[code], Stage.BLIND)
        response = organiser.post(url, {"number": number, "value": value})
        assert response.status_code == 302
    assert BlindResult.objects.count() == 5
    page = _page(organiser.get(url))
    # Reference value 10.0 and fixed sigma_pt 0.5 (factory): 12.0 → z = 4.0 → 0 points.
    assert "10.0000" in page and "0.5000" in page
    far = cf.number(running.contestants["15"], Stage.BLIND)
    row = page[page.index(f"<td>{far}</td>") :].split("</tr>")[0]
    assert "<td>4.00</td>" in row and "<td>0.00</td>" in row  # published to two decimals
    near = cf.number(running.contestants["11"], Stage.BLIND)
    row = page[page.index(f"<td>{near}</td>") :].split("</tr>")[0]
    assert "<td>0.00</td>" in row and "<td>100.00</td>" in row
    # An unknown number is refused precisely and nothing is saved.
    response = organiser.post(url, {"number": "HX-B999", "value": "10"}, follow=True)
    assert "盲样检测环节没有编号 HX-B999" in _page(response)
    assert BlindResult.objects.count() == 5


def test_blind_page_is_for_the_organiser_region_only(running: cf.Running) -> None:
    url = f"/competitions/{running.competition.pk}/blind/"
    number = cf.number(running.contestants["12"], Stage.BLIND)
    for outsider in (
        factories.regulator("11"),
        cf.institution_user(running.institutions["13"]),
    ):
        client = _client(outsider)
        assert client.get(url).status_code == 403
        assert client.post(url, {"number": number, "value": "1"}).status_code == 403
    assert Client().get(url).status_code == 302  # to the login page
    assert not BlindResult.objects.exists()


def test_blind_corrections_need_a_reason_and_nothing_after_publication(
    running: cf.Running,
) -> None:
    running.confirmed()
    url = f"/competitions/{running.competition.pk}/blind/"
    organiser = _client(running.organiser)
    person = running.contestants["12"]
    number = cf.number(person, Stage.BLIND)
    before = BlindResult.objects.filter(contestant=person).count()
    response = organiser.post(url, {"number": number, "value": "10.1"}, follow=True)
    assert "必须填写更正原因" in _page(response)
    assert BlindResult.objects.filter(contestant=person).count() == before
    organiser.post(url, {"number": number, "value": "10.1", "reason": "复核录入错误"})
    assert BlindResult.objects.filter(contestant=person).latest("pk").value == 10.1

    running.competition.refresh_from_db()
    services.open_appeals(
        running.organiser, running.competition, timezone.now() + timedelta(days=1)
    )
    Competition.objects.filter(pk=running.competition.pk).update(
        appeal_deadline=timezone.now() - timedelta(seconds=1)
    )
    services.publish_results(running.organiser, running.competition)
    count = BlindResult.objects.count()
    response = organiser.post(url, {"number": number, "value": "9", "reason": "太晚"}, follow=True)
    assert "不能录入成绩" in _page(response)
    assert BlindResult.objects.count() == count


def _judge_user(judge: Judge) -> Any:
    user = factories.user(Role.INSPECTOR, judge.expert.region.code)
    Expert.objects.filter(pk=judge.expert_id).update(user=user)
    judge.expert.refresh_from_db()
    return user


def test_judge_enters_rubric_scores_and_is_refused_where_excluded(running: cf.Running) -> None:
    rubric = [{"item": "操作规范", "max": 40}, {"item": "结果记录", "max": 60}]
    Discipline.objects.filter(pk=running.discipline.pk).update(rubric=rubric)
    home_judge = running.judges[0]  # works at the Beijing contestant's institution
    client = _client(_judge_user(home_judge))
    url = f"/competitions/judges/{home_judge.pk}/"
    beijing, tianjin = running.contestants["11"], running.contestants["12"]

    page = _page(client.get(url))
    assert "须回避：评委与该选手同属一个机构" in page
    assert cf.number(tianjin, Stage.OPERATION) in page
    assert beijing.person_name not in page  # anonymous numbers only
    assert "我的评分任务" in _page(client.get("/competitions/judging/"))

    tianjin_number = cf.number(tianjin, Stage.OPERATION)
    response = client.post(url, {"number": tianjin_number, "item_0": "35", "item_1": "50"})
    assert response.status_code == 302
    score = JudgeScore.objects.get(judge=home_judge, contestant=tianjin)
    assert float(score.total) == 85 and score.item_scores == [35.0, 50.0]

    response = client.post(url, {"number": tianjin_number, "item_0": "45", "item_1": "50"})
    assert "40" in _page(response) and response.status_code == 200  # over the item's maximum
    beijing_number = cf.number(beijing, Stage.OPERATION)
    response = client.post(
        url, {"number": beijing_number, "item_0": "40", "item_1": "60"}, follow=True
    )
    assert "须回避（评委与该选手同属一个机构）" in _page(response)
    assert JudgeScore.objects.filter(judge=home_judge).count() == 1


def test_score_sheets_belong_to_their_judge_and_the_organiser(running: cf.Running) -> None:
    own, other = running.judges[1], running.judges[2]
    client = _client(_judge_user(own))
    number = cf.number(running.contestants["13"], Stage.OPERATION)
    assert client.get(f"/competitions/judges/{own.pk}/").status_code == 200
    assert client.get(f"/competitions/judges/{other.pk}/").status_code == 403
    response = client.post(f"/competitions/judges/{other.pk}/", {"number": number, "total": "90"})
    assert response.status_code == 403
    outsider = _client(factories.regulator("11"))
    assert outsider.get(f"/competitions/judges/{own.pk}/").status_code == 403
    # The organiser enters a paper sheet on the judge's behalf.
    organiser = _client(running.organiser)
    organiser.post(f"/competitions/judges/{other.pk}/", {"number": number, "total": "77"})
    assert [float(s.total) for s in JudgeScore.objects.filter(judge=other)] == [77.0]


def test_judge_corrections_need_a_reason_and_nothing_after_publication(
    running: cf.Running,
) -> None:
    judge = running.judges[1]
    client = _client(_judge_user(judge))
    running.confirmed()
    url = f"/competitions/judges/{judge.pk}/"
    number = cf.number(running.contestants["13"], Stage.OPERATION)
    before = JudgeScore.objects.filter(judge=judge).count()
    response = client.post(url, {"number": number, "total": "70"}, follow=True)
    assert "必须填写更正原因" in _page(response)
    client.post(url, {"number": number, "total": "70", "reason": "记分卡抄错"})
    assert JudgeScore.objects.filter(judge=judge).count() == before + 1

    running.competition.refresh_from_db()
    services.open_appeals(
        running.organiser, running.competition, timezone.now() + timedelta(days=1)
    )
    Competition.objects.filter(pk=running.competition.pk).update(
        appeal_deadline=timezone.now() - timedelta(seconds=1)
    )
    services.publish_results(running.organiser, running.competition)
    assert "结果已公布，不能再录入评分" in _page(client.get(url))
    response = client.post(url, {"number": number, "total": "60", "reason": "x"}, follow=True)
    assert "不能录入成绩" in _page(response)
    assert JudgeScore.objects.filter(judge=judge).count() == before + 1


def test_organiser_assigns_and_removes_judges(running: cf.Running) -> None:
    url = f"/competitions/{running.competition.pk}/judges/"
    expert = Expert.objects.create(
        name="王评委", region=factories.region("15"), employer_name="内蒙古大学", is_expert=True
    )
    organiser = _client(running.organiser)
    form = {"discipline": running.discipline.pk, "expert": expert.pk}
    assert organiser.post(url, form).status_code == 302
    judge = Judge.objects.get(expert=expert)
    response = organiser.post(url, form, follow=True)  # twice: refused, still one
    assert Judge.objects.filter(expert=expert).count() == 1
    assert "王评委 已是项目「化学分析」的评委" in _page(response)
    page = _page(organiser.get(url, {"q": "内蒙古"}))
    assert "王评委" in page and "未关联（主办方代录）" in page

    scored = running.judges[1]
    services.record_judge_score(running.organiser, scored, running.contestants["13"], total=80)
    response = organiser.post(url, {"remove": scored.pk}, follow=True)
    assert "已有评分记录，不能移除" in _page(response)
    organiser.post(url, {"remove": judge.pk})
    assert not Judge.objects.filter(pk=judge.pk).exists()

    outsider = _client(factories.regulator("12"))
    assert outsider.get(url).status_code == 403
    assert outsider.post(url, form).status_code == 403
    assert not Judge.objects.filter(expert=expert).exists()


def test_institution_withdraws_its_own_registration_before_closing() -> None:
    competition = cf.competition("13", status=CompetitionStatus.REGISTRATION_OPEN)
    discipline = cf.discipline(competition)
    institution = factories.institution("14")
    user = cf.institution_user(institution)
    first = services.register_contestant(user, competition, discipline, "张三", "A1")
    second = services.register_contestant(user, competition, discipline, "李四", "A2")
    lab = _client(user)
    assert "撤回报名" in _page(lab.get(f"/competitions/{competition.pk}/"))

    other_lab = _client(cf.institution_user(factories.institution("14")))
    assert other_lab.post(f"/competitions/contestants/{first.pk}/withdraw/").status_code == 403
    lab.post(f"/competitions/contestants/{first.pk}/withdraw/")
    first.refresh_from_db()
    assert first.status == ContestantStatus.WITHDRAWN

    Competition.objects.filter(pk=competition.pk).update(
        registration_closes=timezone.now() - timedelta(minutes=1)
    )
    response = lab.post(f"/competitions/contestants/{second.pk}/withdraw/", follow=True)
    assert "截止，不能再撤回" in _page(response)
    assert Contestant.objects.get(pk=second.pk).status == ContestantStatus.PENDING
