# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from ticcoop.assessments.models import CriteriaClause
from ticcoop.inspections.models import (
    ActionPlan,
    Campaign,
    CampaignTarget,
    Finding,
    JointTask,
)
from ticcoop.inspections.progress import plan_progress
from ticcoop.inspections.queries import (
    Case,
    access_finding,
    access_joint_task,
    as_case,
    case_library,
    problem_counts,
    regulator_region_id,
    visible_findings,
    visible_joint_tasks,
)
from ticcoop.inspections.schemas import (
    CampaignDetailOut,
    CampaignIn,
    CampaignOut,
    CaseOut,
    DrawIn,
    FindingIn,
    FindingOut,
    FindingRectificationOut,
    HandoverIn,
    HandoverOut,
    InspectionIn,
    JointTaskIn,
    JointTaskOut,
    NoteIn,
    OptionalTextIn,
    PlanOut,
    ProblemCountOut,
    TargetOut,
    TextIn,
)
from ticcoop.inspections.services import campaigns, findings, joint
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert, Institution
from ticcoop.schemas import Pagination

router = Router(tags=["inspections"])
PAGE_SIZE = 50


def _regions(codes: list[str]) -> list[Region]:
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    missing = sorted(set(codes) - set(found))
    if missing:
        raise ValidationError({"participants": f"unknown region code(s): {', '.join(missing)}"})
    return [found[code] for code in codes]


# --------------------------------------------------------------------------- campaigns


@router.get("/campaigns", response=list[CampaignOut])
@paginate(Pagination, page_size=PAGE_SIZE)
def list_campaigns(request: HttpRequest) -> Any:
    return Campaign.objects.select_related("organiser")


@router.get("/campaigns/{pk}", response=CampaignDetailOut, auth=django_auth)
def get_campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("organiser"), pk=pk)


@router.post("/campaigns", response={201: CampaignOut}, auth=django_auth)
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    region_id = regulator_region_id(request.user)
    if region_id is None:
        raise PermissionDenied(_("只有地区监管人员可以发起交叉互查"))
    data = payload.dict(exclude={"participants", "previous_id"})
    campaign = Campaign(organiser_id=region_id, previous_id=payload.previous_id, **data)
    campaigns.save_campaign(request.user, campaign, _regions(payload.participants))
    return Status(201, campaign)


@router.post("/campaigns/{pk}/draw", response=CampaignDetailOut, auth=django_auth)
def draw(request: HttpRequest, pk: int, payload: DrawIn) -> Campaign:
    return campaigns.draw_campaign(request.user, get_object_or_404(Campaign, pk=pk), payload.seed)


@router.get("/campaigns/{pk}/summary", auth=django_auth)
def summary(request: HttpRequest, pk: int) -> dict[str, Any]:
    from ticcoop.inspections.report import campaign_summary

    made = campaign_summary(get_object_or_404(Campaign, pk=pk))
    return {
        "targets": made.targets,
        "inspected": made.inspected,
        "findings": made.findings,
        "accepted": made.accepted,
        "overdue": made.overdue,
        "rectification_rate": made.rectification_rate,
        "by_clause": made.by_clause,
        "regions": [vars(row) for row in made.regions],
    }


@router.post("/campaigns/{pk}/{action}", response=CampaignOut, auth=django_auth)
def campaign_step(request: HttpRequest, pk: int, action: str) -> Campaign:
    steps = {"start": campaigns.start_campaign, "close": campaigns.close_campaign}
    if action not in steps:
        raise Http404
    return steps[action](request.user, get_object_or_404(Campaign, pk=pk))


@router.post("/targets/{pk}/inspection", response=TargetOut, auth=django_auth)
def record_inspection(request: HttpRequest, pk: int, payload: InspectionIn) -> CampaignTarget:
    target = get_object_or_404(CampaignTarget, pk=pk)
    return campaigns.record_inspection(
        request.user,
        target,
        inspected_on=payload.inspected_on,
        summary=payload.summary,
        inspected=payload.inspected,
    )


@router.post("/targets/{pk}/findings", response={201: FindingOut}, auth=django_auth)
def record_finding(request: HttpRequest, pk: int, payload: FindingIn) -> Status[Finding]:
    target = get_object_or_404(CampaignTarget, pk=pk)
    clause = CriteriaClause.objects.filter(pk=payload.clause_id).first()
    if clause is None:
        raise ValidationError({"clause_id": f"no criteria clause with id {payload.clause_id}"})
    made = findings.record_finding(
        request.user,
        target,
        clause=clause,
        description=payload.description,
        severity=payload.severity,
        field=payload.field,
        deadline_days=payload.deadline_days,
    )
    return Status(201, made)


# --------------------------------------------------------------------------- findings


@router.get("/findings", response=list[FindingOut], auth=django_auth)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_findings(request: HttpRequest, status: str = "") -> Any:
    found = visible_findings(request.user)
    return found.filter(status=status) if status else found


@router.get("/findings/{pk}", response=FindingOut, auth=django_auth)
def get_finding(request: HttpRequest, pk: int) -> Finding:
    return access_finding(request.user, get_object_or_404(Finding, pk=pk))


@router.post(
    "/findings/{pk}/rectifications", response={201: FindingRectificationOut}, auth=django_auth
)
def submit_rectification(request: HttpRequest, pk: int, payload: TextIn) -> Status[Any]:
    finding = access_finding(request.user, get_object_or_404(Finding, pk=pk))
    return Status(201, findings.submit_finding_rectification(request.user, finding, payload.text))


@router.post("/findings/{pk}/accept", response=FindingOut, auth=django_auth)
def accept(request: HttpRequest, pk: int, payload: NoteIn) -> Finding:
    finding = access_finding(request.user, get_object_or_404(Finding, pk=pk))
    return findings.accept_finding_rectification(request.user, finding, payload.note)


@router.post("/findings/{pk}/reject", response=FindingOut, auth=django_auth)
def reject(request: HttpRequest, pk: int, payload: NoteIn) -> Finding:
    finding = access_finding(request.user, get_object_or_404(Finding, pk=pk))
    return findings.reject_finding_rectification(request.user, finding, payload.note)


class _CaseLibrary:
    """Findings that read as cases only once sliced, so a page anonymises just its own rows."""

    def __init__(self, findings: QuerySet[Finding]) -> None:
        self.findings = findings

    def __len__(self) -> int:
        return self.findings.count()

    def __getitem__(self, rows: slice) -> list[Case]:
        return [as_case(f) for f in self.findings[rows]]


@router.get("/cases", response=list[CaseOut])
@paginate(Pagination, page_size=PAGE_SIZE)
def cases(
    request: HttpRequest, q: str = "", clause: str = "", field: str = "", region: str = ""
) -> Any:
    """The public case library: anonymised unless the finding is published."""
    return _CaseLibrary(case_library(q, clause, field, region))


@router.get("/cases/counts", response=list[ProblemCountOut])
def case_counts(request: HttpRequest) -> Any:
    return problem_counts()


# --------------------------------------------------------------------------- joint tasks


@router.get("/joint", response=list[JointTaskOut], auth=django_auth)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_joint(request: HttpRequest) -> Any:
    return visible_joint_tasks(request.user)


@router.get("/joint/{pk}", response=JointTaskOut, auth=django_auth)
def get_joint(request: HttpRequest, pk: int) -> JointTask:
    return access_joint_task(request.user, get_object_or_404(JointTask, pk=pk))


@router.post("/joint", response={201: JointTaskOut}, auth=django_auth)
def propose(request: HttpRequest, payload: JointTaskIn) -> Status[JointTask]:
    region_id = regulator_region_id(request.user)
    if region_id is None:
        raise PermissionDenied(_("只有地区监管人员可以提议联合检查"))
    institution = None
    if payload.institution_code:
        institution = Institution.objects.filter(credit_code=payload.institution_code).first()
        if institution is None:
            raise ValidationError({"institution_code": "no institution with this credit code"})
    experts = {
        e.pk: e for e in Expert.objects.filter(pk__in=[*payload.member_ids, payload.leader_id or 0])
    }
    task = joint.propose_joint_task(
        request.user,
        lead_region=Region.objects.get(pk=region_id),
        participants=_regions(payload.participants),
        title=payload.title,
        kind=payload.kind,
        scope=payload.scope,
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
        members=[experts[i] for i in payload.member_ids if i in experts],
        leader=experts.get(payload.leader_id or 0),
        institution=institution,
    )
    return Status(201, task)


@router.post("/joint/{pk}/notes", response={201: dict[str, int]}, auth=django_auth)
def add_note(request: HttpRequest, pk: int, payload: TextIn) -> Status[dict[str, int]]:
    task = access_joint_task(request.user, get_object_or_404(JointTask, pk=pk))
    return Status(201, {"id": joint.add_joint_note(request.user, task, payload.text).pk})


@router.post("/joint/{pk}/handovers", response={201: HandoverOut}, auth=django_auth)
def hand_over(request: HttpRequest, pk: int, payload: HandoverIn) -> Status[Any]:
    task = access_joint_task(request.user, get_object_or_404(JointTask, pk=pk))
    (region,) = _regions([payload.to_region])
    return Status(201, joint.hand_over_case(request.user, task, region, payload.summary))


@router.post("/joint/{pk}/{action}", response=JointTaskOut, auth=django_auth)
def joint_step(request: HttpRequest, pk: int, action: str, payload: OptionalTextIn) -> JointTask:
    task = access_joint_task(request.user, get_object_or_404(JointTask, pk=pk))
    user = request.user
    if action == "accept":
        return joint.accept_joint_task(user, task)
    if action == "start":
        return joint.start_joint_task(user, task)
    if action == "report":
        return joint.submit_joint_report(user, task, payload.text)
    if action == "close":
        return joint.close_joint_task(user, task)
    raise Http404


# --------------------------------------------------------------------------- plan


@router.get("/plans/{year}", response=PlanOut)
def plan(request: HttpRequest, year: int) -> dict[str, Any]:
    """The action plan with each item's progress computed from platform records."""
    made = get_object_or_404(ActionPlan, year=year)
    rows = plan_progress(made)
    return {
        "year": made.year,
        "title": made.title,
        "items": [
            {
                "number": r.item.number,
                "title": r.item.title,
                "area": r.item.area,
                "lead_region": r.item.lead_region.code,
                "deadline": r.item.deadline,
                "metric": r.item.metric,
                "available": r.value.available,
                "value": r.value.value,
                "progress": r.share,
                "milestones_done": r.milestones_done,
                "milestones_total": r.milestones_total,
                "done": r.done,
                "overdue": r.overdue,
                "detail": r.value.detail,
            }
            for r in rows
        ],
    }
