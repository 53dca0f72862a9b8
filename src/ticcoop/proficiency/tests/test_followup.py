"""Corrective actions after publication and the repeated-unsatisfactory risk rule."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ticcoop.methods.workdays import add_working_days
from ticcoop.proficiency import rules, services
from ticcoop.proficiency.models import ActionStatus, CorrectiveAction, Round
from ticcoop.proficiency.reminders import remind_corrective_actions
from ticcoop.proficiency.tests import factories as pf
from ticcoop.registry.models import Institution, RiskClassChange
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def published() -> tuple[Round, Any]:
    rnd, actor = pf.closed_round()
    services.evaluate_round(actor, rnd)
    services.publish_round(actor, rnd, render_report=False)
    return rnd, actor


def test_questionable_and_unsatisfactory_results_open_actions_answered_by_the_lab() -> None:
    published()
    actions = CorrectiveAction.objects.order_by("performance")
    assert [a.performance for a in actions] == ["questionable", "unsatisfactory"]
    action = actions[1]
    assert action.due_date == timezone.localdate() + timedelta(days=30)
    institution = action.institution
    lab = login(pf.institution_user(institution))
    url = f"/api/pt/actions/{action.pk}/answer"
    incomplete = lab.post(
        url,
        json.dumps({"root_cause": "", "action": "x", "evidence": "y"}),
        content_type="application/json",
    )
    assert incomplete.status_code == 422 and "root_cause" in incomplete.json()["errors"]
    other = login(pf.institution_user(factories.institution("11")))
    answer = {"root_cause": "标准曲线漂移", "action": "重新校准", "evidence": "校准记录"}
    assert other.post(url, json.dumps(answer), content_type="application/json").status_code == 404
    done = lab.post(url, json.dumps(answer), content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == ActionStatus.ANSWERED
    region = institution.region.code
    page = login(factories.regulator(region)).post(f"/pt/actions/{action.pk}/", {"close": "1"})
    assert page.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED


def test_regulators_see_open_and_overdue_actions_of_their_region_only() -> None:
    published()
    action = CorrectiveAction.objects.select_related("institution__region").first()
    assert action is not None
    region = action.institution.region.code
    own = login(factories.regulator(region))
    assert [a["id"] for a in own.get("/api/pt/actions?show=overdue").json()] == []
    CorrectiveAction.objects.filter(pk=action.pk).update(
        due_date=timezone.localdate() - timedelta(1)
    )
    overdue = own.get("/api/pt/actions?show=overdue").json()
    assert [a["id"] for a in overdue] == [action.pk]
    assert action.institution.name in own.get("/pt/actions/?show=overdue").content.decode()
    elsewhere = next(code for code in pf.REGIONS if code != region)
    seen = {
        a["institution"]
        for a in login(factories.regulator(elsewhere)).get("/api/pt/actions?show=all").json()
    }
    assert action.institution.name not in seen
    assert (
        login(factories.regulator(elsewhere)).post(f"/api/pt/actions/{action.pk}/close").status_code
        == 404
    )


def outcome(code: str, bad: bool) -> rules.RoundOutcome:
    return rules.RoundOutcome(code, "食品", bad)


def test_risk_rule_decisions() -> None:
    two_of_three = [outcome("R3", True), outcome("R2", False), outcome("R1", True)]
    decision = rules.decide(7, "B", two_of_three)
    assert decision is not None and (decision.to_class, decision.from_class) == ("C", "B")
    assert "R3、R1" in decision.reason
    assert rules.decide(7, "B", [outcome("R4", False), *two_of_three[:2]]) is None
    assert rules.decide(7, "C", two_of_three) is None  # already there: never lowered
    three = [outcome("R3", True), outcome("R2", True), outcome("R1", True)]
    assert rules.decide(7, "C", three).to_class == "D"  # type: ignore[union-attr]
    strict = rules.RepeatRule(unsatisfactory=1, window=2, to_class="C")
    assert rules.decide(7, "A", [outcome("R1", True)], strict) is not None


def test_repeated_unsatisfactory_raises_the_class_through_the_registry() -> None:
    actor = pf.organiser("11")
    scheme = pf.scheme("11")
    weak = factories.institution("13", name="屡次不满意检测公司")
    for number in range(2):
        rnd = pf.round_(scheme, code=f"R-{number}")
        participants = [services.enrol(actor, rnd, weak), *pf.enrolled(rnd, 13, actor)]
        services.dispatch_items(actor, rnd)
        for participant, value in zip(participants, ["14.0", *pf.VALUES[:13]], strict=True):
            services.submit_results(actor, participant, [services.Entry("铅", value)])
        Round.objects.filter(pk=rnd.pk).update(results_due=timezone.now() - timedelta(1))
        services.close_results(actor, rnd)
        services.evaluate_round(actor, rnd)
        services.publish_round(actor, rnd, render_report=False)
        weak.refresh_from_db()
        assert weak.risk_class == ("B" if number == 0 else "C")
    change = RiskClassChange.objects.get(institution=weak)
    assert change.source == "proficiency" and "R-1" in change.reason and change.to_class == "C"
    assert Institution.objects.filter(risk_class="C").count() == 1


def test_corrective_action_reminders_reach_the_lab_once_per_threshold() -> None:
    """Issue 12: 7 and 1 working days before the due date, then once when missed."""
    published()
    action = CorrectiveAction.objects.select_related("institution").first()
    assert action is not None
    lab = pf.institution_user(action.institution)
    today = date(2025, 9, 29)
    CorrectiveAction.objects.filter(pk=action.pk).update(due_date=add_working_days(today, 1))
    assert remind_corrective_actions(today) == 1 and remind_corrective_actions(today) == 0
    assert remind_corrective_actions(add_working_days(today, 2)) == 1  # missed
    assert sorted(lab.notices.values_list("key", flat=True)) == ["deadline.missed", "deadline.soon"]
