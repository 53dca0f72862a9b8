"""Pages: regulators plan and run assessments; institution users rectify their nonconformities."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticcoop.accounts.queries import can_write_region, region_id_of_user, writable_region_ids
from ticcoop.assessments import queries, services
from ticcoop.assessments.forms import (
    AssessmentForm,
    ConcludeForm,
    NonconformityForm,
    RectificationForm,
    ReviewForm,
)
from ticcoop.assessments.models import (
    AssessmentKind,
    AssessmentStatus,
    CriteriaCatalogue,
    EvidenceFile,
    NonconformityStatus,
    Outcome,
)
from ticcoop.assessments.services.assessments import OutcomeRow, Plan
from ticcoop.assessments.services.rectification import may_review
from ticcoop.pages import paginate
from ticcoop.regions.models import Region
from ticcoop.registry.queries import sees_expert_ties
from ticcoop.uploads import download

PAGE_SIZE = 20


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _attempt(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    try:
        action()
    except ValidationError as exc:
        _errors(request, exc)
        return False
    messages.success(request, done)
    return True


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    assessments = queries.readable_assessments(request.user)
    region_code = request.GET.get("region", "")
    status = request.GET.get("status", "")
    if region_code:
        assessments = assessments.filter(institution__region__code=region_code)
    if status:
        assessments = assessments.filter(status=status)
    context = {
        "page": paginate(request, assessments, PAGE_SIZE),
        "regions": Region.objects.filter(is_active=True),
        "statuses": AssessmentStatus.choices,
        "region_code": region_code,
        "status": status,
        "may_plan": writable_region_ids(request.user) != [],
    }
    return render(request, "assessments/assessment_list.html", context)


@login_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    form = AssessmentForm(request.POST or None, initial={"kind": AssessmentKind.INITIAL})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = Plan(
            data["institution"],
            data["kind"],
            data["catalogue"],
            data["planned_date"],
            data["onsite_start"],
            data["onsite_end"],
        )
        try:
            made = services.create_assessment(
                request.user, plan, list(data["team"]), data["leader"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("评审已计划。"))
            return redirect("assessments-detail", pk=made.pk)
    return render(request, "assessments/assessment_form.html", {"form": form})


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(queries.readable_assessments(request.user), pk=pk)
    outcomes = {o.clause_id: o for o in assessment.outcomes.all()}
    rows = [
        (clause, outcomes.get(clause.pk)) for clause in queries.clauses_of(assessment.catalogue)
    ]
    context = {
        "assessment": assessment,
        "team": assessment.members.select_related("expert__region"),
        "rows": rows,
        "outcome_choices": Outcome.choices,
        "ncs": assessment.nonconformities.select_related("clause"),
        "can_write": can_write_region(request.user, assessment.institution.region_id),
        "allows_issue": queries.assessment_allows_issue(assessment),
        "nc_form": NonconformityForm(),
        "conclude_form": ConcludeForm(),
    }
    return render(request, "assessments/assessment_detail.html", context)


def _writable_assessment(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(queries.readable_assessments(request.user), pk=pk)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A rectification's evidence file, for whoever may read the nonconformity."""
    readable = queries.readable_nonconformities(request.user)
    stored = get_object_or_404(EvidenceFile, pk=pk, rectification__nonconformity__in=readable)
    return download(stored)


@login_required
@require_POST
def assessment_start(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _writable_assessment(request, pk)
    _attempt(request, lambda: services.start_assessment(request.user, assessment), _("已开始。"))
    return redirect("assessments-detail", pk=pk)


@login_required
@require_POST
def assessment_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _writable_assessment(request, pk)
    rows = [
        OutcomeRow(clause, value, request.POST.get(f"note_{clause.pk}", ""))
        for clause in queries.clauses_of(assessment.catalogue)
        if (value := request.POST.get(f"outcome_{clause.pk}", ""))
    ]
    _attempt(
        request,
        lambda: services.record_outcomes(request.user, assessment, rows),
        _("已保存 %(count)d 条评审结果。") % {"count": len(rows)},
    )
    return redirect("assessments-detail", pk=pk)


@login_required
@require_POST
def assessment_nonconformity(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _writable_assessment(request, pk)
    form = NonconformityForm(request.POST)
    if not form.is_valid():
        _errors(request, ValidationError(form.errors))
        return redirect("assessments-detail", pk=pk)
    data = form.cleaned_data
    clause = queries.clauses_of(assessment.catalogue).filter(number=data["clause"]).first()
    if clause is None:
        messages.error(
            request, _("条款 %(n)s 不属于本次评审使用的准则版本") % {"n": data["clause"]}
        )
        return redirect("assessments-detail", pk=pk)
    _attempt(
        request,
        lambda: services.raise_nonconformity(
            request.user,
            assessment,
            clause,
            data["description"],
            data["severity"],
            data["deadline"],
        ),
        _("已开具不符合项。"),
    )
    return redirect("assessments-detail", pk=pk)


@login_required
@require_POST
def assessment_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _writable_assessment(request, pk)
    form = ConcludeForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.conclude_assessment(
                request.user,
                assessment,
                form.cleaned_data["conclusion"],
                form.cleaned_data["summary"],
            ),
            _("评审已结束。"),
        )
    return redirect("assessments-detail", pk=pk)


@login_required
def nonconformity_list(request: HttpRequest) -> HttpResponse:
    ncs = queries.readable_nonconformities(request.user)
    status = request.GET.get("status", "")
    region_code = request.GET.get("region", "")
    if status:
        ncs = ncs.filter(status=status)
    if region_code:
        ncs = ncs.filter(assessment__institution__region__code=region_code)
    context = {
        "page": paginate(request, ncs, PAGE_SIZE),
        "statuses": NonconformityStatus.choices,
        "regions": Region.objects.filter(is_active=True),
        "status": status,
        "region_code": region_code,
        "title": _("不符合项"),
    }
    return render(request, "assessments/nonconformity_list.html", context)


@login_required
def overdue_list(request: HttpRequest) -> HttpResponse:
    ncs = queries.overdue_nonconformities(request.user)
    region_id = region_id_of_user(request.user)
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    context = {
        "page": paginate(request, ncs, PAGE_SIZE),
        "title": _("逾期未完成整改"),
        "overdue_view": True,
        "region": region,
    }
    return render(request, "assessments/nonconformity_list.html", context)


@login_required
def nonconformity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nc = get_object_or_404(queries.readable_nonconformities(request.user), pk=pk)
    institution = queries.institution_of_user(request.user)
    if request.method == "POST":
        form = RectificationForm(request.POST, request.FILES)
        if form.is_valid() and _attempt(
            request,
            lambda: services.submit_rectification(
                request.user, nc, form.cleaned_data["evidence"], form.cleaned_data["evidence_files"]
            ),
            _("整改材料已提交。"),
        ):
            return redirect("assessments-nc-detail", pk=pk)
    else:
        form = RectificationForm()
    context = {
        "nc": nc,
        "overdue": queries.is_overdue(nc),
        "rectifications": nc.rectifications.prefetch_related("files"),
        "may_submit": institution is not None
        and institution.pk == nc.assessment.institution_id
        and nc.status in (NonconformityStatus.OPEN, NonconformityStatus.RETURNED),
        "may_review": nc.status == NonconformityStatus.SUBMITTED and may_review(request.user, nc),
        "form": form,
        "review_form": ReviewForm(),
    }
    return render(request, "assessments/nonconformity_detail.html", context)


@login_required
@require_POST
def nonconformity_review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    nc = get_object_or_404(queries.readable_nonconformities(request.user), pk=pk)
    note = request.POST.get("note", "")
    if decision == "accept":
        _attempt(
            request, lambda: services.accept_rectification(request.user, nc, note), _("已关闭。")
        )
    else:
        _attempt(
            request, lambda: services.return_rectification(request.user, nc, note), _("已退回。")
        )
    return redirect("assessments-nc-detail", pk=pk)


@login_required
def expert_pool(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    specialty = request.GET.get("specialty", "")
    region_code = request.GET.get("region", "")
    show_ties = sees_expert_ties(request.user)
    experts = queries.search_experts(text, specialty, region_code, with_ties=show_ties)
    context = {
        "show_ties": show_ties,
        "page": paginate(request, experts, PAGE_SIZE),
        "regions": Region.objects.filter(is_active=True),
        "q": text,
        "specialty": specialty,
        "region_code": region_code,
    }
    return render(request, "assessments/expert_pool.html", context)


def catalogue_list(request: HttpRequest) -> HttpResponse:
    catalogues = CriteriaCatalogue.objects.all()
    return render(request, "assessments/catalogue_list.html", {"catalogues": catalogues})


def catalogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    catalogue = get_object_or_404(CriteriaCatalogue, pk=pk)
    elements = catalogue.elements.prefetch_related("clauses")
    return render(
        request,
        "assessments/catalogue_detail.html",
        {"catalogue": catalogue, "elements": elements},
    )
