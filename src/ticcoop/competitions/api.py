# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile
from ninja.security import django_auth

from ticcoop.competitions import queries, services
from ticcoop.competitions.compute import team_rankings
from ticcoop.competitions.models import Appeal, Competition, Contestant, Judge, Stage
from ticcoop.competitions.schemas import (
    ActionIn,
    AppealAnswerIn,
    AppealIn,
    AppealOut,
    AwardVerifyOut,
    BlindResultIn,
    BreakdownOut,
    CompetitionDecisionIn,
    CompetitionDetailOut,
    CompetitionOut,
    ContestantOut,
    ImportOut,
    JudgeScoreIn,
    JudgeSheetOut,
    RankingOut,
    RecordOut,
    RegistrationIn,
    TheoryScoreIn,
)

router = Router(tags=["competitions"])

ACTIONS = {
    "open-registration": services.open_registration,
    "close-registration": services.close_registration,
    "start": services.start_competition,
    "confirm-scores": services.confirm_scores,
    "publish": services.publish_results,
}


def _competition(request: HttpRequest, competition_id: int) -> Competition:
    return get_object_or_404(queries.visible_competitions(request.user), pk=competition_id)


@router.get("/", response=list[CompetitionOut])
def list_competitions(request: HttpRequest) -> Any:
    return queries.visible_competitions(request.user)


@router.get("/{int:competition_id}", response=CompetitionDetailOut)
def get_competition(request: HttpRequest, competition_id: int) -> Competition:
    return _competition(request, competition_id)


@router.post("/{int:competition_id}/contestants", response={201: ContestantOut}, auth=django_auth)
def register(request: HttpRequest, competition_id: int, payload: RegistrationIn) -> Status[Any]:
    competition = _competition(request, competition_id)
    discipline = get_object_or_404(competition.disciplines, code=payload.discipline.upper())
    contestant = services.register_contestant(
        request.user, competition, discipline, payload.person_name, payload.staff_number
    )
    return Status(201, contestant)


@router.post("/contestants/{int:contestant_id}/decision", response=ContestantOut, auth=django_auth)
def decide(request: HttpRequest, contestant_id: int, payload: CompetitionDecisionIn) -> Contestant:
    contestant = get_object_or_404(Contestant, pk=contestant_id)
    return services.decide_contestant(
        request.user, contestant, approve=payload.approve, note=payload.note
    )


@router.post("/{int:competition_id}/actions/{action}", response=CompetitionOut, auth=django_auth)
def lifecycle(
    request: HttpRequest, competition_id: int, action: str, payload: ActionIn
) -> Competition:
    competition = _competition(request, competition_id)
    if action == "open-appeals":
        if payload.appeal_deadline is None:
            raise ValidationError({"appeal_deadline": _("请填写申诉截止时间")})
        return services.open_appeals(request.user, competition, payload.appeal_deadline)
    if action not in ACTIONS:
        raise Http404(action)
    return ACTIONS[action](request.user, competition)


@router.post("/{int:competition_id}/theory-scores", response={201: RecordOut}, auth=django_auth)
def theory_score(request: HttpRequest, competition_id: int, payload: TheoryScoreIn) -> Status[Any]:
    competition = _competition(request, competition_id)
    contestant = services.contestant_by_number(competition, Stage.THEORY, payload.number)
    record = services.record_theory_score(
        request.user, contestant, payload.score, payload.submitted_at, payload.reason
    )
    return Status(201, record)


@router.post("/{int:competition_id}/theory-scores/import", response=ImportOut, auth=django_auth)
def import_theory(
    request: HttpRequest,
    competition_id: int,
    file: File[UploadedFile],
    reason: Form[str] = "",
) -> dict[str, int]:
    competition = _competition(request, competition_id)
    count = services.import_theory_scores(
        request.user, competition, file.name or "", file.read(), reason
    )
    return {"imported": count}


@router.post("/{int:competition_id}/blind-results", response={201: RecordOut}, auth=django_auth)
def blind_result(request: HttpRequest, competition_id: int, payload: BlindResultIn) -> Status[Any]:
    competition = _competition(request, competition_id)
    contestant = services.contestant_by_number(competition, Stage.BLIND, payload.number)
    record = services.record_blind_result(request.user, contestant, payload.value, payload.reason)
    return Status(201, record)


@router.post("/{int:competition_id}/judge-scores", response={201: RecordOut}, auth=django_auth)
def judge_score(request: HttpRequest, competition_id: int, payload: JudgeScoreIn) -> Status[Any]:
    competition = _competition(request, competition_id)
    judge = get_object_or_404(Judge, pk=payload.judge_id, competition=competition)
    contestant = services.contestant_by_number(competition, Stage.OPERATION, payload.number)
    record = services.record_judge_score(
        request.user,
        judge,
        contestant,
        item_scores=payload.item_scores,
        total=payload.total,
        reason=payload.reason,
    )
    return Status(201, record)


def _sheet(judge: Judge) -> dict[str, Any]:
    rows = queries.judge_sheet(judge)
    return {
        "judge_id": judge.pk,
        "competition_id": judge.competition_id,
        "competition": judge.competition.title,
        "competition_status": judge.competition.status,
        "discipline": judge.discipline.code,
        "discipline_name": judge.discipline.name,
        "rubric": judge.discipline.rubric or [],
        "rows": [
            {
                "number": row.number,
                "excluded": bool(row.excluded),
                "exclusion_reason": row.excluded,
                "latest_total": row.latest.total if row.latest else None,
                "latest_item_scores": row.latest.item_scores if row.latest else [],
                "records": row.records,
            }
            for row in rows
        ],
    }


@router.get("/judging", response=list[JudgeSheetOut], auth=django_auth)
def my_sheets(request: HttpRequest) -> list[dict[str, Any]]:
    """The logged-in judge's score sheets: contestants by operation number, with recusals."""
    judges = queries.judges_of_user(request.user).select_related("competition", "discipline")
    return [_sheet(judge) for judge in judges.order_by("-competition__year", "pk")]


@router.get("/judges/{int:judge_id}/sheet", response=JudgeSheetOut, auth=django_auth)
def judge_sheet(request: HttpRequest, judge_id: int) -> dict[str, Any]:
    """One sheet, for its judge or the organiser entering a paper sheet."""
    judge = get_object_or_404(
        Judge.objects.select_related("competition", "discipline", "expert"), pk=judge_id
    )
    if not queries.may_use_sheet(request.user, judge):
        raise PermissionDenied
    return _sheet(judge)


@router.get("/{int:competition_id}/results", response=RankingOut)
def ranking(request: HttpRequest, competition_id: int) -> dict[str, Any]:
    """Published results only: empty lists (published=false) before publication."""
    competition = _competition(request, competition_id)
    rows = list(queries.published_results(competition))
    teams = team_rankings(competition, rows) if rows else {"institutions": [], "regions": []}

    def team_rows(key: str) -> list[dict[str, Any]]:
        return [
            {"rank": r.rank, "team": r.team, "name": name, "score": r.score, "counted": r.counted}
            for r, name in teams[key]
        ]

    return {
        "published": bool(rows),
        "individuals": rows,
        "institutions": team_rows("institutions"),
        "regions": team_rows("regions"),
    }


@router.get("/contestants/{int:contestant_id}/breakdown", response=BreakdownOut, auth=django_auth)
def contestant_breakdown(request: HttpRequest, contestant_id: int) -> dict[str, Any]:
    contestant = get_object_or_404(Contestant, pk=contestant_id)
    if not queries.may_view_breakdown(request.user, contestant):
        raise PermissionDenied
    data = queries.breakdown(contestant)
    numbers = data["numbers"] if queries.may_see_key(request.user, contestant.competition) else {}
    return {**data, "stage_numbers": numbers}


@router.post(
    "/contestants/{int:contestant_id}/appeals", response={201: AppealOut}, auth=django_auth
)
def file_appeal(request: HttpRequest, contestant_id: int, payload: AppealIn) -> Status[Any]:
    contestant = get_object_or_404(Contestant, pk=contestant_id)
    return Status(201, services.file_appeal(request.user, contestant, payload.text))


@router.post("/appeals/{int:appeal_id}/answer", response=AppealOut, auth=django_auth)
def answer_appeal(request: HttpRequest, appeal_id: int, payload: AppealAnswerIn) -> Appeal:
    appeal = get_object_or_404(Appeal, pk=appeal_id)
    return services.answer_appeal(request.user, appeal, payload.outcome, payload.answer)


@router.get("/awards/verify", response=AwardVerifyOut)
def verify_award(request: HttpRequest, t: str) -> dict[str, Any]:
    check = queries.check_award_token(t)
    return {
        "valid": check.valid,
        "error": check.error,
        "issuer": check.issuer,
        "fields": check.fields,
        "on_record": check.award is not None,
    }
