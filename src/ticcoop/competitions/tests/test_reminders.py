"""Judges are reminded of their score sheets before and after the scoring deadline (issue 12)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import mail

from ticcoop.accounts.roles import Role
from ticcoop.competitions import services
from ticcoop.competitions.models import Competition
from ticcoop.competitions.reminders import remind_score_sheets
from ticcoop.competitions.tests import factories as cf
from ticcoop.methods.workdays import add_working_days
from ticcoop.notices.models import Notice
from ticcoop.notices.services import send_digests
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db
TODAY = date(2025, 9, 29)  # a Monday before the National Day holiday (workdays matter)


@pytest.fixture
def running() -> cf.Running:
    return cf.Running()


def with_login(judge: Any, email: str) -> Any:
    user = factories.user(Role.INSTITUTION_USER, "12", email=email)
    judge.expert.user = user
    judge.expert.save()
    return user


def deadline(running: cf.Running, day: date) -> None:
    Competition.objects.filter(pk=running.competition.pk).update(scoring_deadline=day)


def test_each_step_reminds_an_unfinished_judge_exactly_once(running: cf.Running) -> None:
    judge = running.judges[1]
    user = with_login(judge, "judge@example.cn")
    end = add_working_days(TODAY, 7)
    deadline(running, end)
    steps = [(TODAY, "7"), (add_working_days(TODAY, 6), "1"), (date(2025, 10, 20), "missed")]
    for day, step in steps:
        assert remind_score_sheets(day) == 1
        assert remind_score_sheets(day) == 0  # the schedule ran twice: still one
        notice = Notice.objects.get(user=user, occasion=f"scoring:{judge.pk}:{end}:{step}")
        assert notice.params["subject"] == "scoring" and notice.url.endswith(f"/{judge.pk}/")
    assert remind_score_sheets(add_working_days(TODAY, 3)) == 0  # no step that day
    assert Notice.objects.filter(user=user).count() == 3
    keys = list(Notice.objects.filter(user=user).order_by("pk").values_list("key", flat=True))
    assert keys == ["deadline.soon", "deadline.soon", "deadline.missed"]
    assert send_digests() == 1 and "比武评分" in mail.outbox[0].body


def test_a_finished_sheet_and_a_judge_without_login_get_no_reminder(running: cf.Running) -> None:
    done_judge, no_login = running.judges[1], running.judges[2]
    user = with_login(done_judge, "done@example.cn")
    for person in running.contestants.values():
        services.record_judge_score(running.organiser, done_judge, person, total=80)
    deadline(running, add_working_days(TODAY, 1))
    assert no_login.expert.user_id is None
    assert remind_score_sheets(TODAY) == 0 and not Notice.objects.filter(user=user).exists()


def test_an_excluded_contestant_does_not_keep_a_sheet_open(running: cf.Running) -> None:
    home = running.judges[0]  # must step aside for the Beijing contestant
    user = with_login(home, "home@example.cn")
    for code, person in running.contestants.items():
        if code != "11":
            services.record_judge_score(running.organiser, home, person, total=80)
    deadline(running, add_working_days(TODAY, 7))
    assert remind_score_sheets(TODAY) == 0 and not Notice.objects.filter(user=user).exists()


def test_no_reminders_once_scores_are_confirmed_or_without_a_deadline(
    running: cf.Running,
) -> None:
    user = with_login(running.judges[1], "judge@example.cn")
    assert remind_score_sheets(TODAY) == 0  # no deadline set
    deadline(running, date(2025, 9, 1))
    running.confirmed()
    assert remind_score_sheets(TODAY) == 0 and not Notice.objects.filter(user=user).exists()
