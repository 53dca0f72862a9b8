"""Pages: the public calendar and summaries, enrolment, results, the provider's transitions,
reports, charts and corrective actions. Every write goes through ``services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from ticcoop.jobs import services as jobs
from ticcoop.pages import paginate
from ticcoop.proficiency import labels, queries, services
from ticcoop.proficiency.charts import KINDS, ChartData, evaluation_key, stored_chart_png
from ticcoop.proficiency.models import (
    MeasurandEvaluation,
    Round,
    RoundStatus,
    SubmissionReceipt,
)
from ticcoop.proficiency.tasks import PT_EVALUATE, PT_PUBLISH
from ticcoop.regions.models import Region

PAGE_SIZE = 20


def _labelled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Score rows with the performance class in words (the evaluation stores the code)."""
    return [{**row, "performance": labels.performance_label(row["performance"])} for row in rows]


def _attempt(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    try:
        action()
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return False
    messages.success(request, done)
    return True


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Scheme calendar of all five regions (public)."""
    rounds = queries.public_rounds()
    region, status = request.GET.get("region", ""), request.GET.get("status", "")
    if region:
        rounds = rounds.filter(scheme__organising_region__code=region)
    if status:
        rounds = rounds.filter(status=status)
    context = {
        "page": paginate(request, rounds, PAGE_SIZE),
        "regions": Region.objects.filter(is_active=True),
        "statuses": RoundStatus.choices,
        "region": region,
        "status": status,
        # 我的能力验证 exists for institution users only (the page answers 403 to others).
        "is_lab": queries.institution_of(request.user) is not None,
    }
    return render(request, "proficiency/calendar.html", context)


def _visible_evaluations(request: HttpRequest, round_: Round) -> list[MeasurandEvaluation]:
    """The published evaluation for everyone; the draft only for the provider's region."""
    run = queries.published_run(round_)
    if run is None and queries.is_organiser(request.user, round_):
        run = queries.current_run(round_)
    if run is None:
        return []
    return list(run.measurands.select_related("measurand"))


def _workflow(request: HttpRequest, round_: Round) -> dict[str, Any]:
    """The instructions (participants and organiser) and the dispatch summary (organiser)."""
    organiser = queries.is_organiser(request.user, round_)
    readable = organiser or queries.own_participant(request.user, round_) is not None
    return {
        "instructions": queries.current_instructions(round_) if readable else None,
        "dispatch_summary": queries.dispatch_summary(round_) if organiser else None,
    }


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(queries.public_rounds(), pk=pk)
    own = queries.own_participant(request.user, round_)
    institution = queries.institution_of(request.user)
    evaluations = _visible_evaluations(request, round_)
    context = {
        "round": round_,
        "scheme": round_.scheme,
        "measurands": round_.scheme.measurands.all(),
        "participant_count": round_.participants.count(),
        "own": own,
        "may_enrol": institution is not None
        and own is None
        and round_.status == RoundStatus.ENROLMENT,
        "organiser": queries.is_organiser(request.user, round_),
        "key": queries.participant_key(request.user, round_),
        "evaluations": [
            (e, labels.basis_label(e.sigma_basis), _labelled(e.outputs["rows"]))
            for e in evaluations
        ],
        "checks": round_.item_checks.select_related("measurand"),
        "kinds": KINDS,
        **_workflow(request, round_),
    }
    return render(request, "proficiency/round_detail.html", context)


@login_required
@require_POST
def round_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=pk)
    institution = queries.institution_of(request.user)
    if institution is None:
        raise PermissionDenied(_("只有机构用户可以为本机构报名"))
    _attempt(request, lambda: services.enrol(request.user, round_, institution), _("报名成功"))
    return redirect("pt-round-detail", pk=pk)


def _entries(request: HttpRequest, round_: Round) -> list[services.Entry]:
    entries = []
    for m in round_.scheme.measurands.all():
        value = request.POST.get(f"value_{m.pk}", "").strip()
        if value:
            entries.append(
                services.Entry(
                    m.name,
                    value,
                    request.POST.get(f"u_{m.pk}"),
                    request.POST.get(f"k_{m.pk}"),
                    request.POST.get(f"method_{m.pk}", ""),
                )
            )
    return entries


def _shown(pk: int, result: Any, typed: Any) -> dict[str, str]:
    """The four inputs of one measurand: as typed (after an error) or the latest version."""
    if typed is not None:
        return {key: typed.get(f"{key}_{pk}", "") for key in ("value", "u", "k", "method")}
    if result is None:
        return {"value": "", "u": "", "k": "", "method": ""}
    return {
        "value": result.reported or "",
        "u": "" if result.expanded_u is None else str(result.expanded_u),
        "k": "" if result.k is None else str(result.k),
        "method": result.method or "",
    }


@login_required
def round_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Results of the user's institution: web form or CSV/XLSX upload; corrections = versions."""
    round_ = get_object_or_404(Round, pk=pk)
    participant = queries.own_participant(request.user, round_)
    if participant is None:
        raise PermissionDenied(_("本机构未参加该轮次"))
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is not None:
            action = lambda: services.upload_results(  # noqa: E731
                request.user, participant, upload.name or "", upload.read()
            )
        else:
            action = lambda: services.submit_results(  # noqa: E731
                request.user, participant, _entries(request, round_)
            )
        if _attempt(request, action, _("结果已提交")):
            return redirect("pt-round-submit", pk=pk)
    latest = queries.latest_results(round_)
    # After a refused web submission the form shows what was typed, not the stored version:
    # one wrong field must not clear the others (issue 13).
    typed = request.POST if request.method == "POST" and "file" not in request.FILES else None
    rows = [
        (m, r, _shown(m.pk, r, typed))
        for m in round_.scheme.measurands.all()
        for r in [latest.get((participant.pk, m.pk))]
    ]
    history = participant.results.select_related("measurand").order_by("measurand", "-version")
    context = {
        "round": round_,
        "participant": participant,
        "rows": rows,
        "history": history,
        "receipts": SubmissionReceipt.objects.filter(participant=participant).order_by("-number"),
    }
    return render(request, "proficiency/round_submit.html", context)


TRANSITIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "dispatch": (services.dispatch_items, gettext_noop("样品已发放")),
    "close": (services.close_results, gettext_noop("结果已截止")),
    "evaluate": (services.evaluate_round, gettext_noop("评价完成")),
    "publish": (services.publish_round, gettext_noop("报告已发布")),
}

BACKGROUND = {"evaluate": PT_EVALUATE, "publish": PT_PUBLISH}


@login_required
@require_POST
def round_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=pk)
    if action not in TRANSITIONS:
        raise Http404
    service, done = TRANSITIONS[action]
    kwargs: dict[str, Any] = {}
    if action == "evaluate":
        kwargs = {
            "reason": request.POST.get("reason", ""),
            "override_reason": request.POST.get("override_reason", ""),
        }
    if action in BACKGROUND:
        # evaluation and the report of a large round outlast a web request: a job
        queries.access_organiser(request.user, round_)
        job = jobs.start_job(request.user, BACKGROUND[action], {"round": round_.pk, **kwargs})
        return redirect("jobs-detail", pk=job.pk)
    _attempt(request, lambda: service(request.user, round_, **kwargs), _(done))
    return redirect("pt-round-detail", pk=pk)


@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The published report (codes only): public once published."""
    round_ = get_object_or_404(Round, pk=pk, status=RoundStatus.PUBLISHED)
    report = services.store_report(request.user, round_)
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{round_.code}.pdf"'
    return response


@require_GET
def chart(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    # inputs (every participant's result) are read only if the chart must be drawn
    evaluations = MeasurandEvaluation.objects.select_related("run__round").defer("inputs")
    evaluation = get_object_or_404(evaluations, pk=pk)
    run = evaluation.run
    if run.published_at is None and not queries.is_organiser(request.user, run.round):
        raise Http404
    if kind not in KINDS:
        raise Http404
    body = stored_chart_png(
        evaluation_key(evaluation),
        lambda: ChartData.from_evaluation(evaluation.inputs, evaluation.outputs),
        kind,
    )
    response = HttpResponse(body, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    actions = queries.actions_for(request.user)
    which = request.GET.get("show", "open")
    if which == "open":
        actions = queries.open_actions(actions)
    elif which == "overdue":
        actions = queries.overdue_actions(actions)
    context = {
        "page": paginate(request, actions, PAGE_SIZE),
        "show": which,
        "drifting": queries.drifting_labs(request.user),
    }
    return render(request, "proficiency/action_list.html", context)


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(queries.actions_for(request.user), pk=pk)
    if request.method == "POST":
        if request.POST.get("close"):
            do: Callable[[], Any] = lambda: services.close_action(request.user, action)  # noqa: E731
        else:
            do = lambda: services.answer_action(  # noqa: E731
                request.user,
                action,
                root_cause=request.POST.get("root_cause", ""),
                measures=request.POST.get("action", ""),
                evidence=request.POST.get("evidence", ""),
            )
        if _attempt(request, do, _("已保存")):
            return redirect("pt-action-detail", pk=pk)
    context = {
        "action": action,
        "score": action.score,
        "printed": queries.printed_scores(action.score),
        "may_answer": queries.institution_of(request.user) == action.institution,
        "may_close": queries.may_close_action(request.user, action),
    }
    return render(request, "proficiency/action_detail.html", context)
