"""Assessments: planning with a review team, per-clause outcomes, nonconformities, conclusion.

Workflow: planned (已计划) → in progress (评审中) → concluded (已结束). Every transition checks
the actor's region (the institution's region organises the assessment) and the rules below.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import access_record_change, access_region_write
from ticcoop.assessments.models import (
    OPEN_NC_STATUSES,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CatalogueStatus,
    ClauseOutcome,
    Conclusion,
    CriteriaCatalogue,
    CriteriaClause,
    Nonconformity,
    Outcome,
    Severity,
    TeamMember,
)
from ticcoop.methods.workdays import add_working_days
from ticcoop.notices.services import notify_all
from ticcoop.registry.models import Expert, ExpertTie, Institution

MIN_TEAM_SIZE = 2
RECTIFICATION_WORKING_DAYS = 30


def team_problems(institution: Institution, experts: Sequence[Expert]) -> list[str]:
    """Every reason the team may not assess ``institution`` (empty when the team is valid)."""
    problems: list[str] = []
    if len({e.pk for e in experts}) != len(experts):
        problems.append(_("评审组成员有重复"))
    if len({e.pk for e in experts}) < MIN_TEAM_SIZE:
        problems.append(
            _("评审组至少需要 %(min)d 名评审员（当前 %(count)d 名）")
            % {"min": MIN_TEAM_SIZE, "count": len({e.pk for e in experts})}
        )
    ties = dict(
        ExpertTie.objects.filter(
            institution=institution, expert__in=[e.pk for e in experts]
        ).values_list("expert_id", "reason")
    )
    for expert in experts:
        if not expert.is_assessor:
            problems.append(_("%(name)s 不是评审员，不能加入评审组") % {"name": expert.name})
        if expert.employer_id == institution.pk:
            problems.append(
                _("评审员 %(name)s 的工作单位就是被评审机构“%(institution)s”，须回避")
                % {"name": expert.name, "institution": institution.name}
            )
        if expert.pk in ties:
            problems.append(
                _(
                    "评审员 %(name)s 申报了与被评审机构“%(institution)s”的利害关系"
                    "（%(reason)s），须回避"
                )
                % {"name": expert.name, "institution": institution.name, "reason": ties[expert.pk]}
            )
    return problems


def _check_team(institution: Institution, experts: Sequence[Expert]) -> None:
    problems = team_problems(institution, experts)
    if problems:
        raise ValidationError({"team": problems})


def _set_team(assessment: Assessment, experts: Sequence[Expert], leader: Expert | None) -> None:
    leader = leader or experts[0]
    if leader.pk not in {e.pk for e in experts}:
        raise ValidationError({"team": [_("组长 %(name)s 不在评审组中") % {"name": leader.name}]})
    assessment.members.all().delete()
    TeamMember.objects.bulk_create(
        TeamMember(assessment=assessment, expert=e, is_leader=e.pk == leader.pk) for e in experts
    )
    params = {"subject": "assessment-team", "ref": f"#{assessment.pk}"}
    url = reverse("assessments-detail", args=[assessment.pk])
    notify_all([e.user for e in experts if e.user_id], "task.assigned", params, url=url)


def _require_status(assessment: Assessment, *allowed: AssessmentStatus) -> None:
    if assessment.status not in allowed:
        raise ValidationError(
            _("评审当前状态为“%(status)s”，不能进行此操作")
            % {"status": assessment.get_status_display()}
        )


@dataclass(frozen=True)
class Plan:
    institution: Institution
    kind: AssessmentKind | str
    catalogue: CriteriaCatalogue
    planned_date: date
    onsite_start: date
    onsite_end: date


@transaction.atomic
def create_assessment(
    actor: Any, plan: Plan, team: Sequence[Expert], leader: Expert | None = None
) -> Assessment:
    """Plan an assessment; the team is checked for size, assessor status and conflicts."""
    assessment = Assessment(
        institution=plan.institution,
        kind=plan.kind,
        catalogue=plan.catalogue,
        planned_date=plan.planned_date,
        onsite_start=plan.onsite_start,
        onsite_end=plan.onsite_end,
        status=AssessmentStatus.PLANNED,
    )
    access_record_change(actor, assessment)
    errors: dict[str, list[str]] = {}
    if plan.catalogue.status != CatalogueStatus.PUBLISHED:
        errors["catalogue"] = [
            _("评审准则 %(catalogue)s 不是现行版本（%(status)s），不能用于新评审")
            % {"catalogue": plan.catalogue, "status": plan.catalogue.get_status_display()}
        ]
    if plan.onsite_end < plan.onsite_start:
        errors["onsite_end"] = [_("现场评审结束日期早于开始日期")]
    problems = team_problems(plan.institution, team)
    if problems:
        errors["team"] = problems
    if errors:
        raise ValidationError(errors)
    assessment.full_clean()
    with audit_as(actor):
        assessment.save()
        _set_team(assessment, team, leader)
    return assessment


@transaction.atomic
def change_team(
    actor: Any, assessment: Assessment, team: Sequence[Expert], leader: Expert | None = None
) -> Assessment:
    access_region_write(actor, assessment)
    _require_status(assessment, AssessmentStatus.PLANNED, AssessmentStatus.IN_PROGRESS)
    _check_team(assessment.institution, team)
    with audit_as(actor):
        _set_team(assessment, team, leader)
    return assessment


@transaction.atomic
def start_assessment(actor: Any, assessment: Assessment) -> Assessment:
    access_region_write(actor, assessment)
    _require_status(assessment, AssessmentStatus.PLANNED)
    members = [m.expert for m in assessment.members.select_related("expert")]
    _check_team(assessment.institution, members)  # ties may have been declared since planning
    assessment.status = AssessmentStatus.IN_PROGRESS
    with audit_as(actor):
        assessment.save(update_fields=["status"])
    return assessment


@dataclass(frozen=True)
class OutcomeRow:
    clause: CriteriaClause
    outcome: Outcome | str
    note: str = ""


@transaction.atomic
def record_outcomes(
    actor: Any, assessment: Assessment, rows: Iterable[OutcomeRow]
) -> list[ClauseOutcome]:
    """Record (or correct) the outcome of clauses while the assessment is in progress."""
    access_region_write(actor, assessment)
    _require_status(assessment, AssessmentStatus.IN_PROGRESS)
    saved = []
    with audit_as(actor):
        for row in rows:
            if row.clause.element.catalogue_id != assessment.catalogue_id:
                raise ValidationError(
                    {
                        "clause": _("条款 %(number)s 不属于本次评审使用的准则版本")
                        % {"number": row.clause.number}
                    }
                )
            record = ClauseOutcome.objects.filter(assessment=assessment, clause=row.clause).first()
            record = record or ClauseOutcome(assessment=assessment, clause=row.clause)
            record.outcome = row.outcome
            record.note = row.note
            try:
                record.full_clean()
            except ValidationError as exc:
                raise ValidationError(
                    {
                        "outcome": _("条款 %(number)s：%(errors)s")
                        % {"number": row.clause.number, "errors": "；".join(exc.messages)}
                    }
                ) from exc
            record.save()
            saved.append(record)
    return saved


@transaction.atomic
def raise_nonconformity(
    actor: Any,
    assessment: Assessment,
    clause: CriteriaClause,
    description: str,
    severity: Severity | str,
    deadline: date | None = None,
) -> Nonconformity:
    """Record a nonconformity; the deadline defaults to 30 working days after the on-site end."""
    access_region_write(actor, assessment)
    _require_status(assessment, AssessmentStatus.IN_PROGRESS)
    if clause.element.catalogue_id != assessment.catalogue_id:
        raise ValidationError(
            {
                "clause": _("条款 %(number)s 不属于本次评审使用的准则版本")
                % {"number": clause.number}
            }
        )
    nc = Nonconformity(
        assessment=assessment,
        clause=clause,
        description=description.strip(),
        severity=severity,
        deadline=deadline or add_working_days(assessment.onsite_end, RECTIFICATION_WORKING_DAYS),
    )
    nc.full_clean()
    with audit_as(actor):
        nc.save()
    return nc


def conclusion_problems(assessment: Assessment, conclusion: Conclusion | str) -> list[str]:
    """Every reason ``conclusion`` cannot be recorded now (empty when it can)."""
    clauses = list(
        CriteriaClause.objects.filter(element__catalogue=assessment.catalogue_id).order_by(
            "element__number", "position", "number"
        )
    )
    outcomes = dict(assessment.outcomes.values_list("clause_id", "outcome"))
    ncs = list(assessment.nonconformities.select_related("clause"))
    problems = []
    missing = [c.number for c in clauses if c.pk not in outcomes]
    if missing:
        problems.append(_("以下条款尚无评审结果：%(clauses)s") % {"clauses": "、".join(missing)})
    with_nc = {nc.clause_id for nc in ncs}
    for clause in clauses:
        if outcomes.get(clause.pk) == Outcome.NONCONFORM and clause.pk not in with_nc:
            problems.append(
                _("条款 %(number)s 判为不符合，但未开具不符合项") % {"number": clause.number}
            )
    for nc in ncs:
        if outcomes.get(nc.clause_id) in (Outcome.CONFORM, Outcome.NOT_APPLICABLE):
            problems.append(
                _("条款 %(number)s 有不符合项，评审结果却为“%(outcome)s”")
                % {"number": nc.clause.number, "outcome": Outcome(outcomes[nc.clause_id]).label}
            )
    open_ncs = [nc for nc in ncs if nc.status in OPEN_NC_STATUSES]
    open_major = [nc.clause.number for nc in open_ncs if nc.severity == Severity.MAJOR]
    if conclusion == Conclusion.CONFORM and open_ncs:
        problems.append(
            _("存在未关闭的不符合项（条款 %(clauses)s），结论不能为“符合”")
            % {"clauses": "、".join(nc.clause.number for nc in open_ncs)}
        )
    elif conclusion == Conclusion.BASIC and open_major:
        problems.append(
            _("存在未关闭的严重不符合项（条款 %(clauses)s），结论不能为“基本符合”")
            % {"clauses": "、".join(open_major)}
        )
    return problems


@transaction.atomic
def conclude_assessment(
    actor: Any, assessment: Assessment, conclusion: Conclusion | str, summary: str = ""
) -> Assessment:
    access_region_write(actor, assessment)
    _require_status(assessment, AssessmentStatus.IN_PROGRESS)
    if conclusion not in Conclusion.values:
        raise ValidationError({"conclusion": _("评审结论无效：%(value)s") % {"value": conclusion}})
    problems = conclusion_problems(assessment, conclusion)
    if problems:
        raise ValidationError({"conclusion": problems})
    assessment.conclusion = conclusion
    assessment.summary = summary
    assessment.status = AssessmentStatus.CONCLUDED
    assessment.concluded_at = timezone.now()
    assessment.concluded_by = actor if getattr(actor, "is_authenticated", False) else None
    assessment.full_clean()
    with audit_as(actor):
        assessment.save()
    return assessment
