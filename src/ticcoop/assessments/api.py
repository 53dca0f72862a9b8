# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
"""/api/assessments: catalogue, expert pool, assessments, nonconformities, rectifications."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.security import django_auth

from ticcoop.assessments import queries, services
from ticcoop.assessments.models import Assessment, CriteriaCatalogue, Nonconformity
from ticcoop.assessments.schemas import (
    AssessmentDetailOut,
    AssessmentIn,
    AssessmentOut,
    CatalogueDetailOut,
    CatalogueOut,
    ConcludeIn,
    ExpertOut,
    NcRectificationOut,
    NonconformityIn,
    NonconformityOut,
    OutcomeIn,
    ReviewIn,
    TeamIn,
)
from ticcoop.assessments.services.assessments import OutcomeRow, Plan
from ticcoop.registry.models import Expert, Institution
from ticcoop.registry.queries import sees_expert_ties
from ticcoop.schemas import InSchema, Pagination

router = Router(tags=["assessments"])


class ExpertFilter(InSchema):
    q: str = ""
    specialty: str = ""
    region: str = ""
    assessors_only: bool = False


class AssessmentFilter(InSchema):
    region: str = ""
    status: str = ""
    institution: str = ""


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(queries.readable_assessments(request.user), pk=pk)


def _nc(request: HttpRequest, pk: int) -> Nonconformity:
    return get_object_or_404(queries.readable_nonconformities(request.user), pk=pk)


def _experts(ids: list[int]) -> list[Expert]:
    found = Expert.objects.in_bulk(ids)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({"team": _("评审员不存在：%(ids)s") % {"ids": ", ".join(missing)}})
    return [found[i] for i in ids]


def _clause(assessment: Assessment, number: str) -> Any:
    clause = queries.clauses_of(assessment.catalogue).filter(number=number).first()
    if clause is None:
        raise ValidationError(
            {"clause": _("条款 %(number)s 不属于本次评审使用的准则版本") % {"number": number}}
        )
    return clause


@router.get("/catalogues", response=list[CatalogueOut])
def list_catalogues(request: HttpRequest) -> Any:
    return CriteriaCatalogue.objects.all()


@router.get("/catalogues/{pk}", response=CatalogueDetailOut)
def get_catalogue(request: HttpRequest, pk: int) -> CriteriaCatalogue:
    return get_object_or_404(CriteriaCatalogue, pk=pk)


@router.get("/experts", response=list[ExpertOut], auth=django_auth)
@paginate(Pagination, page_size=50)
def list_experts(request: HttpRequest, filters: Query[ExpertFilter]) -> Any:
    return queries.search_experts(
        filters.q,
        filters.specialty,
        filters.region,
        filters.assessors_only,
        with_ties=sees_expert_ties(request.user),
    )


@router.get("", response=list[AssessmentOut], auth=django_auth)
@paginate(Pagination, page_size=50)
def list_assessments(request: HttpRequest, filters: Query[AssessmentFilter]) -> Any:
    assessments = queries.readable_assessments(request.user)
    if filters.region:
        assessments = assessments.filter(institution__region__code=filters.region)
    if filters.status:
        assessments = assessments.filter(status=filters.status)
    if filters.institution:
        assessments = assessments.filter(institution__credit_code=filters.institution)
    return assessments


@router.post("", response={201: AssessmentDetailOut}, auth=django_auth)
def create_assessment(request: HttpRequest, payload: AssessmentIn) -> Status[Assessment]:
    plan = Plan(
        institution=get_object_or_404(Institution, credit_code=payload.institution_credit_code),
        kind=payload.kind,
        catalogue=get_object_or_404(CriteriaCatalogue, pk=payload.catalogue_id),
        planned_date=payload.planned_date,
        onsite_start=payload.onsite_start,
        onsite_end=payload.onsite_end,
    )
    team = _experts(payload.team)
    leader = _experts([payload.leader])[0] if payload.leader else None
    return Status(201, services.create_assessment(request.user, plan, team, leader))


@router.get("/overdue", response=list[NonconformityOut], auth=django_auth)
def overdue(request: HttpRequest) -> Any:
    """Overdue rectifications (deadline passed, not closed) in the regulator's region."""
    return queries.overdue_nonconformities(request.user)


@router.get("/nonconformities", response=list[NonconformityOut], auth=django_auth)
@paginate(Pagination, page_size=50)
def list_nonconformities(request: HttpRequest, status: str = "") -> Any:
    ncs = queries.readable_nonconformities(request.user)
    return ncs.filter(status=status) if status else ncs


@router.get("/nonconformities/{pk}", response=NonconformityOut, auth=django_auth)
def get_nonconformity(request: HttpRequest, pk: int) -> Nonconformity:
    return _nc(request, pk)


@router.get(
    "/nonconformities/{pk}/rectifications", response=list[NcRectificationOut], auth=django_auth
)
def list_rectifications(request: HttpRequest, pk: int) -> Any:
    return _nc(request, pk).rectifications.prefetch_related("files")


@router.post(
    "/nonconformities/{pk}/rectifications",
    response={201: NcRectificationOut},
    auth=django_auth,
)
def submit_rectification(
    request: HttpRequest,
    pk: int,
    evidence: Form[str],
    files: File[list[UploadedFile] | None] = None,
) -> Status[Any]:
    made = services.submit_rectification(request.user, _nc(request, pk), evidence, files or [])
    return Status(201, made)


@router.post("/nonconformities/{pk}/accept", response=NonconformityOut, auth=django_auth)
def accept(request: HttpRequest, pk: int, payload: ReviewIn) -> Nonconformity:
    return services.accept_rectification(request.user, _nc(request, pk), payload.note)


@router.post("/nonconformities/{pk}/return", response=NonconformityOut, auth=django_auth)
def return_(request: HttpRequest, pk: int, payload: ReviewIn) -> Nonconformity:
    return services.return_rectification(request.user, _nc(request, pk), payload.note)


@router.get("/{pk}", response=AssessmentDetailOut, auth=django_auth)
def get_assessment(request: HttpRequest, pk: int) -> Assessment:
    return _assessment(request, pk)


@router.put("/{pk}/team", response=AssessmentDetailOut, auth=django_auth)
def change_team(request: HttpRequest, pk: int, payload: TeamIn) -> Assessment:
    leader = _experts([payload.leader])[0] if payload.leader else None
    return services.change_team(
        request.user, _assessment(request, pk), _experts(payload.team), leader
    )


@router.post("/{pk}/start", response=AssessmentDetailOut, auth=django_auth)
def start(request: HttpRequest, pk: int) -> Assessment:
    return services.start_assessment(request.user, _assessment(request, pk))


@router.put("/{pk}/outcomes", response=AssessmentDetailOut, auth=django_auth)
def record_outcomes(request: HttpRequest, pk: int, payload: list[OutcomeIn]) -> Assessment:
    assessment = _assessment(request, pk)
    rows = [OutcomeRow(_clause(assessment, r.clause), r.outcome, r.note) for r in payload]
    services.record_outcomes(request.user, assessment, rows)
    return assessment


@router.get("/{pk}/nonconformities", response=list[NonconformityOut], auth=django_auth)
def assessment_nonconformities(request: HttpRequest, pk: int) -> Any:
    return _assessment(request, pk).nonconformities.select_related(
        "clause", "assessment__institution__region"
    )


@router.post("/{pk}/nonconformities", response={201: NonconformityOut}, auth=django_auth)
def raise_nonconformity(
    request: HttpRequest, pk: int, payload: NonconformityIn
) -> Status[Nonconformity]:
    assessment = _assessment(request, pk)
    nc = services.raise_nonconformity(
        request.user,
        assessment,
        _clause(assessment, payload.clause),
        payload.description,
        payload.severity,
        payload.deadline,
    )
    return Status(201, nc)


@router.post("/{pk}/conclude", response=AssessmentDetailOut, auth=django_auth)
def conclude(request: HttpRequest, pk: int, payload: ConcludeIn) -> Assessment:
    return services.conclude_assessment(
        request.user, _assessment(request, pk), payload.conclusion, payload.summary
    )
