"""Demo assessments: the SAMR-2023 catalogue and a handful of assessments per region.

Per region (institutions in primary-key order; the first one is the demo lab user's):
0. initial, concluded 基本符合, two open minor nonconformities (for the lab user to rectify);
1. initial, concluded 符合;  2. initial, concluded 符合 (1 and 2 last year, so last year's
   action plan counts them);
3. renewal, concluded 基本符合, one closed and one OVERDUE minor nonconformity;
4. initial, concluded 不符合 with an open major nonconformity;
5. supervision, in progress;  6. extension, planned.
Dates are relative to today so that "overdue" stays overdue; an assessment is concluded
three days after its on-site visit. Rows are inserted directly (demo
data are not user actions) but follow the same rules as the services.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from ticcoop.assessments.criteria_2023 import load_catalogue
from ticcoop.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    ClauseOutcome,
    Conclusion,
    CriteriaCatalogue,
    CriteriaClause,
    Decision,
    Nonconformity,
    NonconformityStatus,
    Outcome,
    Rectification,
    Severity,
    TeamMember,
)
from ticcoop.assessments.services.assessments import RECTIFICATION_WORKING_DAYS
from ticcoop.methods.workdays import add_working_days
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert, ExpertTie, Institution, InstitutionMembership

NC_TEXTS = {
    "4.2.4": "未能提供2名检测人员的能力确认记录。",
    "4.3.2": "恒温恒湿室温湿度记录缺失3天。",
    "4.4.2": "1台电子天平检定证书已过期仍在使用。",
    "4.5.3": "部分原始记录修改未签名、未注明日期。",
    "4.5.4": "近两年未参加本领域能力验证。",
    "4.5.2": "新标准实施后未进行方法验证即出具报告。",
}


@dataclass(frozen=True)
class Plan:
    kind: AssessmentKind
    status: AssessmentStatus
    days_ago: int | None
    conclusion: str = ""
    # (clause number, severity, nc status)
    ncs: tuple[tuple[str, Severity, NonconformityStatus], ...] = ()


PLANS = [
    Plan(
        AssessmentKind.INITIAL,
        AssessmentStatus.CONCLUDED,
        12,
        Conclusion.BASIC,
        (
            ("4.4.2", Severity.MINOR, NonconformityStatus.OPEN),
            ("4.5.3", Severity.MINOR, NonconformityStatus.OPEN),
        ),
    ),
    # days_ago None: on 10 June and 15 September of last year.
    Plan(AssessmentKind.INITIAL, AssessmentStatus.CONCLUDED, None, Conclusion.CONFORM),
    Plan(AssessmentKind.INITIAL, AssessmentStatus.CONCLUDED, None, Conclusion.CONFORM),
    Plan(
        AssessmentKind.RENEWAL,
        AssessmentStatus.CONCLUDED,
        100,
        Conclusion.BASIC,
        (
            ("4.3.2", Severity.MINOR, NonconformityStatus.CLOSED),
            ("4.5.4", Severity.MINOR, NonconformityStatus.OPEN),
        ),
    ),
    Plan(
        AssessmentKind.INITIAL,
        AssessmentStatus.CONCLUDED,
        30,
        Conclusion.NONCONFORM,
        (("4.5.2", Severity.MAJOR, NonconformityStatus.OPEN),),
    ),
    Plan(AssessmentKind.SUPERVISION, AssessmentStatus.IN_PROGRESS, 1),
    Plan(AssessmentKind.EXTENSION, AssessmentStatus.PLANNED, -20),
]


#: (pk, employer_id) of every assessor, in key order: the demo's assessors grow with the
#: institutions, so the pool holds keys and only the experts chosen are read.
Pool = Sequence[tuple[int, int | None]]


def _experts(keys: list[int]) -> list[Expert]:
    found = Expert.objects.select_related("region").in_bulk(keys)
    return [found[key] for key in keys]


def _team(rng: random.Random, pool: Pool, institution: Institution) -> list[Expert]:
    tied = set(
        ExpertTie.objects.filter(institution=institution).values_list("expert_id", flat=True)
    )
    eligible = [pk for pk, employer in pool if employer != institution.pk and pk not in tied]
    return _experts(rng.sample(eligible, 3))


def _conclude(
    assessment: Assessment, clauses: list[CriteriaClause], plan: Plan, today: date
) -> int:
    nc_outcome = {number: severity for number, severity, _status in plan.ncs}
    outcomes = []
    for clause in clauses:
        severity = nc_outcome.get(clause.number)
        outcome = {None: Outcome.CONFORM, Severity.MINOR: Outcome.BASIC}.get(
            severity, Outcome.NONCONFORM
        )
        if plan.status == AssessmentStatus.IN_PROGRESS and clause.position > 1:
            continue  # half-way through
        outcomes.append(ClauseOutcome(assessment=assessment, clause=clause, outcome=outcome))
    ClauseOutcome.objects.bulk_create(outcomes)
    by_number = {clause.number: clause for clause in clauses}
    deadline = add_working_days(assessment.onsite_end, RECTIFICATION_WORKING_DAYS)
    for number, severity, status in plan.ncs:
        nc = Nonconformity.objects.create(
            assessment=assessment,
            clause=by_number[number],
            description=NC_TEXTS[number],
            severity=severity,
            deadline=deadline,
            status=status,
        )
        if status == NonconformityStatus.CLOSED:
            _closed_with_evidence(nc, today)
    return len(plan.ncs)


def _closed_with_evidence(nc: Nonconformity, today: date) -> None:
    member = InstitutionMembership.objects.filter(institution=nc.assessment.institution).first()
    submitter = member.user if member else None
    if submitter is None:
        submitter = User.objects.filter(is_superuser=True).first()
    if submitter is None:
        return
    Rectification.objects.create(
        nonconformity=nc,
        evidence="已补充温湿度监控记录并增设自动记录仪，附整改前后记录。",
        submitted_by=submitter,
        decision=Decision.ACCEPTED,
        review_note="整改材料齐全，予以关闭。",
        reviewed_at=timezone.now(),
    )
    nc.closure_note = "整改材料齐全，予以关闭。"
    nc.closed_at = timezone.now()
    nc.save(update_fields=["closure_note", "closed_at"])


def _declare_ties(rng: random.Random, pool: Pool) -> int:
    """A few declared ties (former employers) so the recusal rule shows in the demo."""
    created = 0
    chosen = rng.sample(pool, min(5, len(pool)))
    for expert in _experts([pk for pk, _employer in chosen]):
        candidates = Institution.objects.filter(region=expert.region).order_by("pk")
        if expert.employer_id is not None:
            candidates = candidates.exclude(pk=expert.employer_id)
        institution = candidates.last()
        if institution is not None:
            ExpertTie.objects.get_or_create(
                expert=expert, institution=institution, defaults={"reason": "原工作单位"}
            )
            created += 1
    return created


def _concluded_at(onsite_end: date) -> datetime:
    """Three days after the visit (never in the future)."""
    moment = timezone.make_aware(datetime.combine(onsite_end + timedelta(days=3), time(10)))
    return min(moment, timezone.now())


def load(seed: int) -> str:
    rng = random.Random(seed + 7)
    catalogue: CriteriaCatalogue = load_catalogue()
    clauses = list(
        CriteriaClause.objects.filter(element__catalogue=catalogue).order_by(
            "element__number", "position"
        )
    )
    pool = list(
        Expert.objects.filter(is_assessor=True).order_by("pk").values_list("pk", "employer_id")
    )
    ties = _declare_ties(rng, pool)
    today = timezone.localdate()
    assessments = ncs = 0
    for region in Region.objects.filter(is_active=True).order_by("code"):
        institutions = list(Institution.objects.filter(region=region).order_by("pk")[: len(PLANS)])
        for index, (institution, plan) in enumerate(zip(institutions, PLANS, strict=False)):
            if plan.days_ago is None:
                onsite_end = date(today.year - 1, 6, 10) + timedelta(days=97 * (index - 1))
            else:
                onsite_end = today - timedelta(days=plan.days_ago)
            assessment = Assessment.objects.create(
                institution=institution,
                kind=plan.kind,
                catalogue=catalogue,
                status=plan.status,
                planned_date=onsite_end - timedelta(days=30),
                onsite_start=onsite_end - timedelta(days=1),
                onsite_end=onsite_end,
                conclusion=plan.conclusion,
                summary="现场评审按计划完成。" if plan.conclusion else "",
                concluded_at=_concluded_at(onsite_end) if plan.conclusion else None,
            )
            team = _team(rng, pool, institution)
            TeamMember.objects.bulk_create(
                TeamMember(assessment=assessment, expert=e, is_leader=i == 0)
                for i, e in enumerate(team)
            )
            if plan.status != AssessmentStatus.PLANNED:
                ncs += _conclude(assessment, clauses, plan, today)
            assessments += 1
    return (
        f"已生成评审准则 {catalogue.code}（{len(clauses)} 条）、{assessments} 次评审、"
        f"{ncs} 个不符合项、{ties} 条利害关系申报。"
    )
