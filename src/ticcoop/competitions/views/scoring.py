"""Organiser pages for blind-sample results and judges; the judges' own score sheets.

Every write goes through :mod:`ticcoop.competitions.services` (scope, lifecycle, corrections
with a reason, nothing after publication, recusal of judges).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ticcoop.competitions import queries, services
from ticcoop.competitions.compute import blind_sheet
from ticcoop.competitions.forms import BlindResultForm, JudgeAssignForm, JudgeScoreForm
from ticcoop.competitions.models import CompetitionStatus, Judge, SigmaRule, Stage
from ticcoop.competitions.views._common import PAGE_SIZE, attempt, organised
from ticcoop.pages import paginate
from ticcoop.proficiency.labels import source_label


@login_required
def blind_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter blind-sample results by anonymous number; trial ISO 13528 scoring per discipline."""
    competition = organised(request, pk)
    form = BlindResultForm(request.POST or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if attempt(request, lambda: services.record_blind_result(
            request.user,
            services.contestant_by_number(competition, Stage.BLIND, data["number"]),
            data["value"], data["reason"],
        ), _("已录入盲样结果 %(n)s。") % {"n": data["number"]}):  # fmt: skip
            return redirect(request.get_full_path())
    disciplines = list(competition.disciplines.all())
    chosen = request.GET.get("d", "")
    discipline = next((d for d in disciplines if d.code == chosen), None)
    discipline = discipline or (disciplines[0] if disciplines else None)
    sheet = blind_sheet(competition, discipline) if discipline else None
    context = {
        "competition": competition,
        "form": form,
        "disciplines": disciplines,
        "discipline": discipline,
        "sigma_rule": SigmaRule(discipline.sigma_rule).label if discipline else "",
        "sheet": sheet,
        "page": paginate(request, sheet.rows if sheet else [], PAGE_SIZE),
        "z_rule": queries.z_rule_lines(competition.points_rule()),
        "corrections": competition.reached(CompetitionStatus.SCORES_CONFIRMED),
        # The method names its sources in English ("certified reference value"); words here.
        "assigned_source": source_label(sheet.scoring.assigned_source)
        if sheet and sheet.scoring
        else "",
        "sigma_source": source_label(sheet.scoring.sigma_source) if sheet and sheet.scoring else "",
    }
    return render(request, "competitions/blind.html", context)


@login_required
def judge_assignments(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign judges from the shared expert pool to disciplines, or remove unused ones."""
    competition = organised(request, pk)
    query = request.GET.get("q", "").strip()
    form = JudgeAssignForm(
        request.POST if "expert" in request.POST else None, competition=competition, query=query
    )
    if "remove" in request.POST:
        judge = get_object_or_404(Judge, pk=request.POST["remove"], competition=competition)
        attempt(request, lambda: services.remove_judge(request.user, judge), _("已移除评委。"))
        return redirect(request.get_full_path())
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            lambda: services.add_judge(request.user, data["discipline"], data["expert"]),
            _("已添加评委 %(name)s。") % {"name": data["expert"].name},
        ):
            return redirect(request.get_full_path())
    judges = (
        competition.judges.select_related("discipline", "expert__region", "expert__user")
        .annotate(records=Count("scores"))
        .order_by("discipline__code", "expert__name")
    )
    context = {
        "competition": competition,
        "form": form,
        "query": query,
        "page": paginate(request, judges, PAGE_SIZE),
    }
    return render(request, "competitions/judges.html", context)


@login_required
def judging(request: HttpRequest) -> HttpResponse:
    """The logged-in judge's assignments."""
    judges = queries.judges_of_user(request.user).order_by("-competition__year", "pk")
    page = paginate(request, judges, PAGE_SIZE)
    return render(request, "competitions/judging.html", {"page": page})


@login_required
def judge_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """A judge's score sheet (anonymous operation numbers); the organiser may enter for them."""
    judge = get_object_or_404(
        Judge.objects.select_related("competition__organiser_region", "discipline", "expert"),
        pk=pk,
    )
    if not queries.may_use_sheet(request.user, judge):
        raise PermissionDenied
    rubric = judge.discipline.rubric or []
    form = JudgeScoreForm(
        request.POST or None, rubric=rubric, initial={"number": request.GET.get("number", "")}
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if attempt(request, lambda: services.record_judge_score(
            request.user, judge,
            services.contestant_by_number(judge.competition, Stage.OPERATION, data["number"]),
            item_scores=form.item_scores(), total=data.get("total"), reason=data["reason"],
        ), _("已录入 %(n)s 的评分。") % {"n": data["number"]}):  # fmt: skip
            return redirect("competitions-judge-sheet", pk=pk)
    competition = judge.competition
    context = {
        "judge": judge,
        "competition": competition,
        "form": form,
        "rubric": rubric,
        "page": paginate(request, queries.judge_sheet(judge), PAGE_SIZE),
        "open": competition.reached(CompetitionStatus.IN_PROGRESS)
        and competition.status != CompetitionStatus.RESULTS_PUBLISHED,
        "corrections": competition.reached(CompetitionStatus.SCORES_CONFIRMED),
    }
    return render(request, "competitions/judge_sheet.html", context)
