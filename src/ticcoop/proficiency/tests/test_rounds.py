"""Every transition rule of the round timeline (each test fails if its rule is removed)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from ticcoop.jobs.models import Job, JobState
from ticcoop.proficiency import services
from ticcoop.proficiency.models import (
    CheckDecision,
    EvaluationRun,
    MeasurandEvaluation,
    Round,
    RoundStatus,
    Score,
)
from ticcoop.proficiency.tests import factories as pf
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def test_dispatch_needs_participants_and_the_organising_region() -> None:
    rnd = pf.round_()
    with pytest.raises(ValidationError, match="尚无参加者"):
        services.dispatch_items(pf.organiser("11"), rnd)
    pf.enrolled(rnd, 1)
    with pytest.raises(PermissionDenied):
        services.dispatch_items(factories.regulator("12"), rnd)
    assert services.dispatch_items(pf.organiser("11"), rnd).status == RoundStatus.DISPATCHED
    with pytest.raises(ValidationError, match="已停止报名"):
        pf.enrolled(rnd, 1)


def test_no_results_before_dispatch_or_after_the_deadline() -> None:
    rnd = pf.round_()
    actor = pf.organiser("11")
    (participant,) = pf.enrolled(rnd, 1, actor)
    entry = [services.Entry("铅", "10.0")]
    with pytest.raises(ValidationError, match="不接受结果"):
        services.submit_results(actor, participant, entry)
    services.dispatch_items(actor, rnd)
    services.submit_results(actor, participant, entry)
    late = rnd.results_due + timedelta(seconds=1)
    with pytest.raises(ValidationError, match="已过结果提交截止时间"):
        services.submit_results(actor, participant, entry, now=late)
    assert participant.results.count() == 1


def test_close_only_after_the_deadline() -> None:
    rnd = pf.round_()
    actor = pf.organiser("11")
    pf.enrolled(rnd, 1, actor)
    services.dispatch_items(actor, rnd)
    with pytest.raises(ValidationError, match="未到"):
        services.close_results(actor, rnd)
    closed = services.close_results(actor, rnd, now=rnd.results_due + timedelta(minutes=1))
    assert closed.status == RoundStatus.CLOSED


def test_evaluation_below_minimum_needs_a_recorded_override() -> None:
    rnd, actor = pf.closed_round(values=["10.0", "10.2", "9.9", "10.1", "9.8"])
    with pytest.raises(ValidationError, match="参加者不足"):
        services.evaluate_round(actor, rnd)
    assert not EvaluationRun.objects.exists()
    run = services.evaluate_round(actor, rnd, override_reason="小范围比对，经技术委员会同意")
    assert run.min_participants_override == "小范围比对，经技术委员会同意"


def test_evaluation_needs_closed_results_and_the_organiser() -> None:
    rnd = pf.round_()
    actor = pf.organiser("11")
    with pytest.raises(ValidationError, match="只能评价已截止的轮次"):
        services.evaluate_round(actor, rnd)
    rnd, actor = pf.closed_round()
    with pytest.raises(PermissionDenied):
        services.evaluate_round(factories.regulator("13"), rnd)


HOMOGENEOUS = [[10.0, 10.02], [10.01, 9.99], [9.98, 10.0], [10.02, 10.01], [10.0, 9.99]]
INHOMOGENEOUS = [[9.0, 9.02], [10.01, 9.99], [11.0, 11.02], [9.5, 9.51], [10.6, 10.58]]


def test_failed_homogeneity_blocks_evaluation_until_a_decision_is_recorded() -> None:
    rnd, actor = pf.closed_round()
    measurand = rnd.scheme.measurands.get()
    ok = services.record_item_check(actor, rnd, measurand, "homogeneity", HOMOGENEOUS)
    assert ok.passed
    check = services.record_item_check(actor, rnd, measurand, "homogeneity", INHOMOGENEOUS)
    assert not check.passed and check.result["s_s"] > 0.3 * check.sigma_pt
    with pytest.raises(ValidationError, match="均匀性检验未通过"):
        services.evaluate_round(actor, rnd)
    with pytest.raises(ValidationError):
        services.decide_item_check(actor, check, CheckDecision.WIDEN_SIGMA, "  ")
    services.decide_item_check(actor, check, CheckDecision.WIDEN_SIGMA, "样品不均匀，扩大 σ_pt")
    run = services.evaluate_round(actor, rnd)
    evaluation = run.measurands.get()
    assert evaluation.inputs["widen_s_s"] == pytest.approx(check.result["s_s"])
    assert evaluation.sigma_pt == pytest.approx((0.5**2 + check.result["s_s"] ** 2) ** 0.5)


def test_failed_stability_can_be_included_in_u_x_pt() -> None:
    rnd, actor = pf.closed_round()
    measurand = rnd.scheme.measurands.get()
    data = {"before": [10.0, 10.02, 9.98], "after": [10.4, 10.42, 10.38]}
    check = services.record_item_check(actor, rnd, measurand, "stability", data)
    assert not check.passed
    with pytest.raises(ValidationError, match="稳定性检验未通过"):
        services.evaluate_round(actor, rnd)
    with pytest.raises(ValidationError, match="可选决定"):
        services.decide_item_check(actor, check, CheckDecision.WIDEN_SIGMA, "理由")
    services.decide_item_check(actor, check, CheckDecision.INCLUDE_U, "计入 u_stab")
    evaluation = services.evaluate_round(actor, rnd).measurands.get()
    assert evaluation.outputs["assigned"]["u_stab"] == pytest.approx(0.4 / 3**0.5)


def test_re_evaluation_needs_a_reason_and_supersedes_the_draft() -> None:
    rnd, actor = pf.closed_round()
    first = services.evaluate_round(actor, rnd)
    with pytest.raises(ValidationError, match="须说明理由"):
        services.evaluate_round(actor, rnd)
    second = services.evaluate_round(actor, rnd, reason="更正了参考值")
    first.refresh_from_db()
    assert first.superseded_at is not None and second.superseded_at is None
    assert second.number == 2 and second.reason == "更正了参考值"


def test_publish_only_evaluated_rounds_and_then_everything_is_frozen() -> None:
    rnd, actor = pf.closed_round()
    with pytest.raises(ValidationError, match="只能发布已评价"):
        services.publish_round(actor, rnd)
    run = services.evaluate_round(actor, rnd)
    services.publish_round(actor, rnd, render_report=False)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PUBLISHED
    with pytest.raises(ValidationError, match="只能评价已截止"):
        services.evaluate_round(actor, rnd, reason="再评一次")
    evaluation = MeasurandEvaluation.objects.get(run=run)
    evaluation.x_pt = 0.0
    with pytest.raises(ValidationError, match="不可修改"):
        evaluation.save()
    with pytest.raises(ValidationError, match="不可修改"):
        Score.objects.filter(evaluation=evaluation).update(z=0.0)
    with pytest.raises(ValidationError, match="不可删除"):
        Score.objects.filter(evaluation=evaluation).delete()
    with pytest.raises(ValidationError, match="不可删除"):
        EvaluationRun.objects.get(pk=run.pk).delete()


def test_round_status_cannot_be_edited_directly() -> None:
    rnd = pf.round_()
    rnd.status = RoundStatus.PUBLISHED
    with pytest.raises(ValidationError, match="流转"):
        services.save_round(pf.organiser("11"), rnd)
    assert Round.objects.get(pk=rnd.pk).status == RoundStatus.ENROLMENT


def test_enrolment_closes_at_its_deadline() -> None:
    rnd = pf.round_(enrolment_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="报名截止"):
        pf.enrolled(rnd, 1)


def test_evaluate_and_publish_from_the_page_run_as_jobs(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Issue 12: a large round outlasts a request; the page starts jobs and shows them."""
    rnd, actor = pf.closed_round()
    client = Client()
    client.force_login(actor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/pt/rounds/{rnd.pk}/publish/")  # not evaluated yet
    refused = Job.objects.get()
    assert response.url == f"/jobs/{refused.pk}/"
    assert refused.state == JobState.FAILED and "只能发布已评价" in refused.error
    for action in ("evaluate", "publish"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/pt/rounds/{rnd.pk}/{action}/")
        job = Job.objects.get(pk=int(response.url.split("/")[2]))
        assert job.state == JobState.DONE, job.error
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PUBLISHED and rnd.reports.get().sha256
    outsider = Client()
    outsider.force_login(factories.regulator("12"))
    assert outsider.post(f"/pt/rounds/{rnd.pk}/evaluate/").status_code == 403
