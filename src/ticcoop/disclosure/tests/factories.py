"""Rows of every app, created directly (the dashboard only reads them), with known counts."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from ticcoop.assessments.models import AssessmentStatus, Conclusion, NonconformityStatus
from ticcoop.assessments.tests import factories as af
from ticcoop.certificates.models import Certificate, CertificateStatus
from ticcoop.certificates.validity import add_years, expiry_for
from ticcoop.competitions.models import CompetitionStatus
from ticcoop.competitions.tests import factories as cf
from ticcoop.inspections.models import Campaign, CampaignPair, CampaignTarget, Finding
from ticcoop.methods.ids import format_certificate_number
from ticcoop.proficiency.models import (
    ActionStatus,
    CorrectiveAction,
    EvaluationRun,
    MeasurandEvaluation,
    Participant,
    Performance,
    Result,
    RoundStatus,
    Score,
)
from ticcoop.proficiency.tests import factories as pf
from ticcoop.registry.models import Institution
from ticcoop.supervision.models import Batch, Ceremony, Draw, Task, TaskResult, TaskStatus
from ticcoop.supervision.tests import factories as sf
from ticcoop.testing import factories

_serial = itertools.count(1)
AUTHORITY = {"11": "01", "12": "02", "13": "03", "14": "04", "15": "05"}


def certificate(holder: Institution, status: str, expiry: date) -> Certificate:
    """A certificate whose validity ends on ``expiry`` (issued six years earlier)."""
    valid_from = add_years(expiry + timedelta(days=1), -6)
    code = holder.region.code
    return Certificate.objects.create(
        number=format_certificate_number(
            valid_from.year, AUTHORITY[code], "17", "00", next(_serial)
        ),
        institution=holder,
        issuing_region=holder.region,
        issue_date=valid_from,
        valid_from=valid_from,
        expiry_date=expiry_for(valid_from),
        status=status,
    )


def pt_scores(labs: list[Institution], performances: list[str], actor: User) -> list[Score]:
    """A round of region 11 published today, one score per (lab, performance)."""
    scheme = pf.scheme("11")
    measurand = scheme.measurands.get()
    rnd = pf.round_(
        scheme,
        status=RoundStatus.PUBLISHED,
        year=timezone.localdate().year,
        published_at=timezone.now(),
    )
    run = EvaluationRun.objects.create(
        round=rnd, number=1, software_version="test", published_at=timezone.now()
    )
    evaluation = MeasurandEvaluation.objects.create(
        run=run,
        measurand=measurand,
        inputs={},
        outputs={},
        x_pt=10.0,
        u_x_pt=0.1,
        sigma_pt=0.5,
        sigma_basis="5%",
        estimator="A",
        p=len(labs),
        z_used="z",
    )
    made = []
    for index, (lab, performance) in enumerate(zip(labs, performances, strict=True)):
        participant = Participant.objects.create(round=rnd, institution=lab, code=f"P{index:03d}")
        result = Result.objects.create(
            participant=participant, measurand=measurand, reported="10", value=10.0
        )
        made.append(
            Score.objects.create(
                evaluation=evaluation,
                participant=participant,
                result=result,
                z=0.0,
                performance=performance,
            )
        )
    return made


def action(score: Score, status: str, due: date) -> CorrectiveAction:
    return CorrectiveAction.objects.create(
        score=score,
        institution=score.participant.institution,
        round=score.evaluation.run.round,
        measurand=score.evaluation.measurand,
        performance=score.performance,
        status=status,
        due_date=due,
    )


def drawn_batch(lead: str, day: date) -> Batch:
    batch = Batch.objects.create(
        plan=sf.plan((lead,)), period=f"P{next(_serial)}", due_on=day, status="drawn"
    )
    ceremony = Ceremony.objects.create(
        batch=batch,
        number=1,
        label=f"C-{next(_serial)}",
        commit_deadline=timezone.now(),
        reveal_deadline=timezone.now(),
    )
    Draw.objects.create(
        batch=batch,
        ceremony=ceremony,
        manifest=b"{}",
        manifest_sha256="0" * 64,
        published_at=timezone.now(),
    )
    return batch


def task(batch: Batch, region_code: str, status: str = TaskStatus.ASSIGNED) -> Task:
    return Task.objects.create(
        batch=batch,
        target_code=f"T{next(_serial):05d}",
        target_name="某检测公司",
        region=factories.region(region_code),
        items="检验检测报告真实性",
        status=status,
    )


def task_result(
    made: Task, actor: User, deadline: date, published: Any = None, version: int = 1
) -> TaskResult:
    return TaskResult.objects.create(
        task=made,
        version=version,
        result="no_problem",
        checked_on=deadline - timedelta(days=10),
        publication_deadline=deadline,
        recorded_by=actor,
        published_at=published,
    )


def finding(lab: Institution, inspecting: str, status: str, deadline: date, actor: User) -> Finding:
    campaign = Campaign.objects.create(
        year=timezone.localdate().year,
        title=f"交叉互查{next(_serial)}",
        organiser=factories.region(inspecting),
        items="资质认定条件保持情况",
    )
    pair = CampaignPair.objects.create(
        campaign=campaign, inspecting=factories.region(inspecting), inspected=lab.region
    )
    target = CampaignTarget.objects.create(pair=pair, institution=lab, ticket="t", rank=1)
    clause = af.catalogue().elements.first().clauses.first()  # type: ignore[union-attr]
    return Finding.objects.create(
        target=target,
        clause=clause,
        description="原始记录不完整",
        severity="minor",
        deadline_days=20,
        deadline=deadline,
        status=status,
        created_by=actor,
    )


def world() -> dict[str, Any]:
    """Hebei (13) gets something of everything; Beijing (11) a little, to check the grouping."""
    today = timezone.localdate()
    past, soon, later = (
        today - timedelta(days=3),
        today + timedelta(days=30),
        today + timedelta(days=400),
    )
    regulator = factories.regulator("13")
    a = factories.institution("13", risk_class="A")
    c = factories.institution("13", risk_class="C")
    d = factories.institution("13", risk_class="D", status="suspended")
    bj = factories.institution("11")
    certificate(a, CertificateStatus.VALID, soon)  # valid and expiring
    certificate(c, CertificateStatus.VALID, later)
    certificate(d, CertificateStatus.SUSPENDED, later)
    certificate(d, CertificateStatus.VALID, past)  # expired
    certificate(bj, CertificateStatus.REVOKED, later)
    this_year = af.assessment(a, status=AssessmentStatus.CONCLUDED, onsite_end=today)
    this_year.conclusion = Conclusion.CONFORM
    this_year.save()
    af.assessment(c, onsite_end=date(today.year - 1, 6, 1))  # last year: not counted
    af.nonconformity(this_year, deadline=past)  # overdue
    af.nonconformity(this_year, deadline=soon, status=NonconformityStatus.SUBMITTED)
    af.nonconformity(this_year, deadline=past, status=NonconformityStatus.CLOSED)
    scores = pt_scores(
        [a, c, d, bj],
        [
            Performance.SATISFACTORY,
            Performance.SATISFACTORY,
            Performance.QUESTIONABLE,
            Performance.UNSATISFACTORY,
        ],
        regulator,
    )
    action(scores[2], ActionStatus.OPEN, past)  # overdue
    action(scores[3], ActionStatus.ANSWERED, past)  # Beijing, answered: open, not overdue
    batch = drawn_batch("13", today)
    on_time, late, overdue = (
        task(batch, "13", TaskStatus.DONE),
        task(batch, "13"),
        task(batch, "13"),
    )
    task(batch, "13", TaskStatus.SUPERSEDED)
    task(batch, "11")
    task_result(on_time, regulator, today, timezone.now())
    task_result(late, regulator, today - timedelta(days=2), timezone.now())
    task_result(overdue, regulator, past)
    finding(a, "11", "open", past, regulator)  # overdue
    finding(c, "12", "submitted", past, regulator)  # open, awaiting review: not overdue
    finding(d, "11", "accepted", past, regulator)
    cf.competition("13", year=today.year, status=CompetitionStatus.RESULTS_PUBLISHED)
    cf.competition("13", year=today.year)  # draft: not held
    return {"regulator": regulator, "institutions": [a, c, d, bj]}
