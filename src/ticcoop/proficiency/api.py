# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from ticcoop.accounts.queries import region_id_of_user
from ticcoop.proficiency import queries, services
from ticcoop.proficiency.models import (
    ItemCheck,
    Measurand,
    MeasurandEvaluation,
    Report,
    Result,
    Round,
    RoundStatus,
    Scheme,
)
from ticcoop.proficiency.schemas import (
    ActionOut,
    CheckIn,
    CheckOut,
    EnrolIn,
    EvaluateIn,
    EvaluationOut,
    KeyRow,
    ParticipantOut,
    PtAnswerIn,
    PtDecisionIn,
    PtResultOut,
    PtResultsIn,
    ReferenceIn,
    RoundIn,
    RoundOut,
    SchemeIn,
    SchemeOut,
    SummaryOut,
)
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution
from ticcoop.schemas import InSchema, existing

router = Router(tags=["proficiency"])


def scheme_out(s: Scheme) -> dict[str, Any]:
    data = {f: getattr(s, f) for f in SchemeOut.model_fields if f not in ("measurands",)}
    data["organising_region"] = s.organising_region.code
    data["measurands"] = list(s.measurands.all())
    return data


def round_out(r: Round) -> dict[str, Any]:
    data = {f: getattr(r, f, None) for f in RoundOut.model_fields}
    data |= {
        "scheme_code": r.scheme.code,
        "scheme_name": r.scheme.name,
        "field": r.scheme.field,
        "organising_region": r.scheme.organising_region.code,
        "participants": r.participants.count(),
    }
    return data


def result_out(r: Result) -> dict[str, Any]:
    return {f: getattr(r, f) for f in PtResultOut.model_fields} | {"measurand": r.measurand.name}


@router.get("/schemes", response=list[SchemeOut])
def list_schemes(request: HttpRequest) -> list[dict[str, Any]]:
    schemes = Scheme.objects.select_related("organising_region").prefetch_related("measurands")
    return [scheme_out(s) for s in schemes]


@router.post("/schemes", auth=django_auth, response={201: SchemeOut})
def create_scheme(request: HttpRequest, body: SchemeIn) -> Any:
    data = body.dict(exclude={"measurands", "organising_region"})
    code = body.organising_region
    region = (
        existing(Region.objects.filter(code=code), "organising_region")
        if code
        else get_object_or_404(Region, pk=region_id_of_user(request.user))
    )
    scheme = Scheme(organising_region=region, **data)
    measurands = [Measurand(**m.dict()) for m in body.measurands]
    services.create_scheme(request.user, scheme, measurands)
    return Status(201, scheme_out(scheme))


@router.get("/rounds", response=list[RoundOut])
def calendar(request: HttpRequest, region: str = "", status: str = "") -> list[dict[str, Any]]:
    rounds = queries.public_rounds()
    if region:
        rounds = rounds.filter(scheme__organising_region__code=region)
    if status:
        rounds = rounds.filter(status=status)
    return [round_out(r) for r in rounds[:500]]


@router.post("/rounds", auth=django_auth, response={201: RoundOut})
def create_round(request: HttpRequest, body: RoundIn) -> Any:
    scheme = get_object_or_404(Scheme, pk=body.scheme_id)
    round_ = Round(scheme=scheme, **body.dict(exclude={"scheme_id"}))
    services.save_round(request.user, round_)
    return Status(201, round_out(round_))


@router.get("/rounds/{pk}", response=RoundOut)
def round_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return round_out(get_object_or_404(queries.public_rounds(), pk=pk))


SIMPLE_TRANSITIONS: dict[str, Callable[[Any, Round], Any]] = {
    "dispatch": services.dispatch_items,
    "close": services.close_results,
    "publish": services.publish_round,
}


@router.post(
    "/rounds/{pk}/transitions/{action}",
    auth=django_auth,
    response={200: RoundOut, 404: dict[str, str]},
)
def transition(request: HttpRequest, pk: int, action: str, body: EvaluateIn | None = None) -> Any:
    round_ = get_object_or_404(Round, pk=pk)
    if action == "evaluate":
        args = body or EvaluateIn()
        services.evaluate_round(
            request.user, round_, reason=args.reason, override_reason=args.override_reason
        )
    elif action in SIMPLE_TRANSITIONS:
        SIMPLE_TRANSITIONS[action](request.user, round_)
    else:
        return Status(404, {"detail": f"unknown transition {action!r}"})
    return round_out(Round.objects.get(pk=pk))


@router.post("/rounds/{pk}/enrol", auth=django_auth, response={201: ParticipantOut})
def enrol(request: HttpRequest, pk: int, body: EnrolIn) -> Any:
    round_ = get_object_or_404(Round, pk=pk)
    if body.institution_credit_code:
        institution = get_object_or_404(Institution, credit_code=body.institution_credit_code)
    else:
        own = queries.institution_of(request.user)
        if own is None:
            raise PermissionDenied(_("机构用户才能为本机构报名；监管人员请给出机构信用代码"))
        institution = own
    participant = services.enrol(request.user, round_, institution)
    return Status(201, {"round_id": round_.pk, "code": participant.code})


@router.get("/rounds/{pk}/key", auth=django_auth, response=list[KeyRow])
def participant_key(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """Code ↔ institution: all rows for the organising region, the own row for an institution."""
    round_ = get_object_or_404(Round, pk=pk)
    return [
        {
            "code": p.code,
            "credit_code": p.institution.credit_code,
            "institution": p.institution.name,
            "region": p.institution.region.code,
        }
        for p in queries.participant_key(request.user, round_)
    ]


def _own(request: HttpRequest, round_: Round, code: str | None) -> Any:
    if code:
        return get_object_or_404(round_.participants, code=code)
    participant = queries.own_participant(request.user, round_)
    if participant is None:
        raise PermissionDenied(_("本机构未参加该轮次"))
    return participant


@router.post("/rounds/{pk}/results", auth=django_auth, response={201: list[PtResultOut]})
def submit_results(request: HttpRequest, pk: int, body: PtResultsIn, code: str = "") -> Any:
    """Results of the user's institution (or ``?code=`` for the organiser, on its behalf)."""
    participant = _own(request, get_object_or_404(Round, pk=pk), code)
    entries = [
        services.Entry(r.measurand, r.result, r.expanded_u, r.k, r.method) for r in body.results
    ]
    saved = services.submit_results(request.user, participant, entries, source="api")
    return Status(201, [result_out(r) for r in saved])


@router.post("/rounds/{pk}/results/upload", auth=django_auth, response={201: list[PtResultOut]})
def upload_results(request: HttpRequest, pk: int, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    participant = _own(request, get_object_or_404(Round, pk=pk), None)
    saved = services.upload_results(request.user, participant, file.name or "", file.read())
    return Status(201, [result_out(r) for r in saved])


@router.get("/rounds/{pk}/results", auth=django_auth, response=list[PtResultOut])
def own_results(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """Every version the user's institution submitted (old versions are kept)."""
    participant = _own(request, get_object_or_404(Round, pk=pk), None)
    return [result_out(r) for r in participant.results.select_related("measurand")]


@router.post("/rounds/{pk}/references", auth=django_auth, response={201: dict[str, Any]})
def set_reference(request: HttpRequest, pk: int, body: ReferenceIn) -> Any:
    round_ = get_object_or_404(Round, pk=pk)
    measurand = get_object_or_404(Measurand, pk=body.measurand_id)
    ref = services.set_reference(
        request.user, round_, measurand, **body.dict(exclude={"measurand_id"})
    )
    return Status(201, {"id": ref.pk})


def check_out(c: ItemCheck) -> dict[str, Any]:
    return {f: getattr(c, f) for f in CheckOut.model_fields} | {"measurand": c.measurand.name}


@router.post("/rounds/{pk}/item-checks", auth=django_auth, response={201: CheckOut})
def record_item_check(request: HttpRequest, pk: int, body: CheckIn) -> Any:
    round_ = get_object_or_404(Round, pk=pk)
    measurand = get_object_or_404(Measurand, pk=body.measurand_id)
    check = services.record_item_check(request.user, round_, measurand, body.kind, body.data)
    return Status(201, check_out(check))


@router.post("/item-checks/{pk}/decision", auth=django_auth, response=CheckOut)
def decide_item_check(request: HttpRequest, pk: int, body: PtDecisionIn) -> Any:
    check = get_object_or_404(ItemCheck, pk=pk)
    return check_out(services.decide_item_check(request.user, check, body.decision, body.reason))


@router.get("/rounds/{pk}/summary", response={200: SummaryOut, 404: dict[str, str]})
def summary(request: HttpRequest, pk: int) -> Any:
    """Anonymised results (participant codes only): public once published."""
    round_ = get_object_or_404(Round, pk=pk)
    run = queries.published_run(round_)
    if run is None and queries.is_organiser(request.user, round_):
        run = queries.current_run(round_)
    if run is None:
        return Status(404, {"detail": _("本轮次尚未发布结果")})
    measurands = [
        {
            f: getattr(e, f)
            for f in (
                "p",
                "x_pt",
                "u_x_pt",
                "sigma_pt",
                "sigma_basis",
                "estimator",
                "stopping_rule",
                "iterations",
                "z_used",
            )
        }
        | {
            "evaluation_id": e.pk,
            "measurand": e.measurand.name,
            "unit": e.measurand.unit,
            "rows": e.outputs["rows"],
        }
        for e in run.measurands.select_related("measurand")
    ]
    return {
        "round": round_.code,
        "status": round_.status,
        "evaluation": run.number,
        "published": run.published_at is not None,
        "software_version": run.software_version,
        "measurands": measurands,
    }


@router.get("/evaluations/{pk}", response=EvaluationOut)
def evaluation(request: HttpRequest, pk: int) -> Any:
    """Every stored input and output: enough to recompute with ticcoop.methods.iso13528."""
    e = get_object_or_404(MeasurandEvaluation.objects.select_related("run__round"), pk=pk)
    if e.run.published_at is None and not queries.is_organiser(request.user, e.run.round):
        raise PermissionDenied(_("评价尚未发布"))
    return {"id": e.pk, "measurand": e.measurand.name, "inputs": e.inputs, "outputs": e.outputs}


def action_out(a: Any) -> dict[str, Any]:
    return {f: getattr(a, f) for f in ActionOut.model_fields} | {
        "institution": a.institution.name,
        "round": a.round.code,
        "measurand": a.measurand.name,
    }


@router.get("/actions", auth=django_auth, response=list[ActionOut])
def list_actions(request: HttpRequest, show: str = "open") -> list[dict[str, Any]]:
    actions = queries.actions_for(request.user)
    if show == "open":
        actions = queries.open_actions(actions)
    elif show == "overdue":
        actions = queries.overdue_actions(actions)
    return [action_out(a) for a in actions[:500]]


@router.post("/actions/{pk}/answer", auth=django_auth, response=ActionOut)
def answer_action(request: HttpRequest, pk: int, body: PtAnswerIn) -> Any:
    action = get_object_or_404(queries.actions_for(request.user), pk=pk)
    services.answer_action(
        request.user,
        action,
        root_cause=body.root_cause,
        measures=body.action,
        evidence=body.evidence,
    )
    return action_out(action)


@router.post("/actions/{pk}/close", auth=django_auth, response=ActionOut)
def close_action(request: HttpRequest, pk: int) -> Any:
    action = get_object_or_404(queries.actions_for(request.user), pk=pk)
    return action_out(services.close_action(request.user, action))


class ReportRevisionOut(Schema):
    number: str
    revision: int
    issued_at: datetime
    reason: str
    sha256: str
    superseded: bool
    url: str


class ReportCorrectionIn(InSchema):
    reason: str = Field(max_length=256)


def revisions_out(round_: Round) -> list[dict[str, Any]]:
    revisions = list(Report.objects.filter(round=round_).order_by("revision"))
    latest = revisions[-1].revision if revisions else 0
    return [
        {
            "number": r.number,
            "revision": r.revision,
            "issued_at": r.created_at,
            "reason": r.reason,
            "sha256": r.sha256,
            "superseded": r.revision != latest,
            "url": reverse("pt-report-revision", args=[round_.pk, r.revision]),
        }
        for r in revisions
    ]


@router.get("/rounds/{pk}/reports", response=list[ReportRevisionOut])
def report_revisions(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """The report's revisions (public once published): a superseded one stays listed."""
    round_ = get_object_or_404(Round, pk=pk, status=RoundStatus.PUBLISHED)
    return revisions_out(round_)


@router.post("/rounds/{pk}/reports", auth=django_auth, response={201: list[ReportRevisionOut]})
def correct_report(request: HttpRequest, pk: int, body: ReportCorrectionIn) -> Any:
    """Issue a corrected revision with its reason (the round's provider region only)."""
    round_ = get_object_or_404(Round, pk=pk)
    services.correct_report(request.user, round_, body.reason)
    return Status(201, revisions_out(round_))
