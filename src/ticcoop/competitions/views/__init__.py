"""Pages of the skills competitions; every write goes through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticcoop.competitions import queries, services
from ticcoop.competitions.compute import team_rankings
from ticcoop.competitions.forms import (
    AnswerForm,
    AppealForm,
    ImportForm,
    RegistrationForm,
    TheoryScoreForm,
)
from ticcoop.competitions.models import (
    ACTIVE_CONTESTANT_STATUSES,
    Appeal,
    Award,
    Competition,
    CompetitionStatus,
    Contestant,
    Stage,
)
from ticcoop.competitions.pdf import render_award_pdf
from ticcoop.competitions.views._common import PAGE_SIZE
from ticcoop.competitions.views._common import attempt as _attempt
from ticcoop.pages import paginate


def competition_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, queries.visible_competitions(request.user), PAGE_SIZE)
    context = {
        "competitions": page.object_list,
        "page": page,
        "judging": queries.judges_of_user(request.user).exists(),
    }
    return render(request, "competitions/list.html", context)


def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competition = get_object_or_404(queries.visible_competitions(request.user), pk=pk)
    institution = queries.institution_of(request.user)
    page = paginate(request, queries.contestants_for(request.user, competition), PAGE_SIZE)
    context = {
        "competition": competition,
        "disciplines": competition.disciplines.all(),
        "z_rule": queries.z_rule_lines(competition.points_rule()),
        "is_organiser": queries.is_organiser(request.user, competition),
        "institution": institution,
        "page": page,
        "contestants": page.object_list,
        # Link a contestant's page only for those who may open it (regulators of other
        # regions and the public may not: issue 13).
        "viewable": {c.pk for c in page.object_list if queries.may_view_breakdown(request.user, c)},
        "withdrawable": ACTIVE_CONTESTANT_STATUSES,
        "pending": queries.pending_for_regulator(request.user, competition),
        "form": RegistrationForm(competition=competition) if institution else None,
        "statuses": CompetitionStatus,
    }
    return render(request, "competitions/detail.html", context)


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    competition = get_object_or_404(Competition, pk=pk)
    form = RegistrationForm(request.POST, competition=competition)
    if form.is_valid():
        discipline = competition.disciplines.get(pk=form.cleaned_data["discipline"])
        _attempt(
            request,
            lambda: services.register_contestant(
                request.user,
                competition,
                discipline,
                form.cleaned_data["person_name"],
                form.cleaned_data["staff_number"],
            ),
            _("已报名，等待所在地区监管部门确认。"),
        )
    else:
        messages.error(request, _("报名信息不完整。"))
    return redirect("competitions-detail", pk=pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    contestant = get_object_or_404(Contestant, pk=pk)
    approve = request.POST.get("decision") == "approve"
    _attempt(
        request,
        lambda: services.decide_contestant(
            request.user, contestant, approve=approve, note=request.POST.get("note", "")
        ),
        _("已确认报名。") if approve else _("已退回报名。"),
    )
    return redirect("competitions-detail", pk=contestant.competition_id)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The institution withdraws its own registration (service: before registration closes)."""
    contestant = get_object_or_404(Contestant, pk=pk)
    _attempt(
        request,
        lambda: services.withdraw_contestant(request.user, contestant),
        _("已撤回报名。"),
    )
    return redirect("competitions-detail", pk=contestant.competition_id)


ACTIONS: dict[str, Callable[..., Competition]] = {
    "open_registration": services.open_registration,
    "close_registration": services.close_registration,
    "start": services.start_competition,
    "confirm_scores": services.confirm_scores,
    "publish": services.publish_results,
}


@login_required
@require_POST
def lifecycle_action(request: HttpRequest, pk: int) -> HttpResponse:
    competition = get_object_or_404(Competition, pk=pk)
    action = request.POST.get("action", "")
    if action == "open_appeals":
        deadline = parse_datetime(request.POST.get("deadline", "").replace("T", " "))
        if deadline is None:
            messages.error(request, _("请填写申诉截止时间。"))
            return redirect("competitions-detail", pk=pk)
        if timezone.is_naive(deadline):
            deadline = timezone.make_aware(deadline)
        _attempt(
            request,
            lambda: services.open_appeals(request.user, competition, deadline),
            _("申诉期已开始。"),
        )
    elif action in ACTIONS:
        _attempt(request, lambda: ACTIONS[action](request.user, competition), _("状态已更新。"))
    else:
        raise Http404(action)
    return redirect("competitions-detail", pk=pk)


@login_required
def theory_scores(request: HttpRequest, pk: int) -> HttpResponse:
    """Organiser page: one theory score by anonymous number, or a whole table (atomic)."""
    competition = get_object_or_404(Competition, pk=pk)
    if not queries.is_organiser(request.user, competition):
        raise PermissionDenied
    entry = TheoryScoreForm(request.POST if "score" in request.POST else None)
    upload = ImportForm(request.POST if "file" in request.FILES else None, request.FILES or None)
    if entry.is_bound and entry.is_valid():
        data = entry.cleaned_data
        if _attempt(request, lambda: services.record_theory_score(
            request.user,
            services.contestant_by_number(competition, Stage.THEORY, data["number"]),
            data["score"], data["submitted_at"], data["reason"],
        ), _("已录入。")):  # fmt: skip
            return redirect("competitions-theory", pk=pk)
    if upload.is_bound and upload.is_valid():
        file = upload.cleaned_data["file"]
        if _attempt(request, lambda: services.import_theory_scores(
            request.user, competition, file.name, file.read(), upload.cleaned_data["reason"]
        ), _("已导入成绩表。")):  # fmt: skip
            return redirect("competitions-theory", pk=pk)
    context = {"competition": competition, "entry": entry, "upload": upload}
    return render(request, "competitions/theory.html", context)


def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Public ranking: shown only once the organiser has published the results."""
    competition = get_object_or_404(queries.visible_competitions(request.user), pk=pk)
    rows = list(queries.published_results(competition))
    by_discipline: dict[str, list[Any]] = {}
    for row in rows:
        by_discipline.setdefault(row.contestant.discipline.name, []).append(row)
    context = {
        "competition": competition,
        "published": competition.status == CompetitionStatus.RESULTS_PUBLISHED,
        "by_discipline": by_discipline,
        "teams": team_rankings(competition, rows) if rows else None,
    }
    return render(request, "competitions/results.html", context)


@login_required
def contestant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contestant = get_object_or_404(
        Contestant.objects.select_related("competition", "institution", "discipline"), pk=pk
    )
    if not queries.may_view_breakdown(request.user, contestant):
        raise PermissionDenied(_("成绩明细只对组织地区，以及成绩确认后的参赛人员所在机构开放"))
    context = {
        **queries.breakdown(contestant),
        "is_organiser": queries.is_organiser(request.user, contestant.competition),
        "may_appeal": queries.institution_of(request.user) == contestant.institution
        and contestant.competition.status == CompetitionStatus.APPEAL_WINDOW,
        "appeal_form": AppealForm(),
        "answer_form": AnswerForm(),
    }
    return render(request, "competitions/contestant.html", context)


@login_required
@require_POST
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    contestant = get_object_or_404(Contestant, pk=pk)
    form = AppealForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    _attempt(
        request, lambda: services.file_appeal(request.user, contestant, text), _("申诉已提交。")
    )
    return redirect("competitions-contestant", pk=pk)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    appeal_obj = get_object_or_404(Appeal, pk=pk)
    form = AnswerForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"outcome": "", "answer": ""}
    _attempt(request, lambda: services.answer_appeal(
        request.user, appeal_obj, data["outcome"], data["answer"]
    ), _("已答复申诉。"))  # fmt: skip
    return redirect("competitions-contestant", pk=appeal_obj.contestant_id)


def award_pdf(request: HttpRequest, number: str) -> HttpResponse:
    award = get_object_or_404(
        Award.objects.select_related(
            "contestant__competition__organiser_region",
            "contestant__institution",
            "contestant__discipline",
        ),
        number=number,
    )
    pdf = render_award_pdf(award, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{award.number}.pdf"'
    return response


def award_verify(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("t", "")
    check = queries.check_award_token(token) if token else None
    context = {"token": token, "check": check, "verdict": award_verdict(check)}
    return render(request, "competitions/verify.html", context)


def award_verdict(check: queries.AwardCheck | None) -> dict[str, object] | None:
    """The same one-verdict block as the certificate verify page."""
    if check is None:
        return None
    if not check.valid:
        return {"code": "forged", "title": _("签名无效（可能伪造）"), "explanation": check.problem}
    if check.award is None:
        text = _("签名有效，但平台上没有对应的获奖记录，请向比武组织地区核实。")
        return {"code": "unknown", "title": _("平台无此记录"), "explanation": text}
    text = _("签名有效，内容与平台记录一致。")
    return {"code": "valid", "title": _("真实有效"), "explanation": text, "is_valid": True}
