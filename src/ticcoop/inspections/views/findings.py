from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticcoop.accounts.queries import can_write_region
from ticcoop.assessments.models import CriteriaClause
from ticcoop.inspections.forms import RectificationForm, ReviewForm
from ticcoop.inspections.models import Finding, FindingFile, FindingStatus
from ticcoop.inspections.queries import (
    access_finding,
    as_case,
    case_library,
    may_inspect,
    may_rectify,
    overdue,
    problem_counts,
    visible_findings,
)
from ticcoop.inspections.services import findings as services
from ticcoop.pages import paginate, run
from ticcoop.regions.models import Region
from ticcoop.uploads import download

PAGE_SIZE = 20


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    """Every finding the user may see, with its state; overdue ones flagged (or filtered)."""
    findings = visible_findings(request.user).order_by("deadline", "pk")
    status = request.GET.get("status", "")
    if status == "overdue":
        findings = overdue(findings)
    elif status:
        findings = findings.filter(status=status)
    page = paginate(request, findings, PAGE_SIZE)
    context = {
        "page": page,
        "status": status,
        "statuses": FindingStatus.choices,
        "today": timezone.localdate(),
    }
    return render(request, "inspections/finding_list.html", context)


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = access_finding(
        request.user,
        get_object_or_404(
            Finding.objects.select_related(
                "clause",
                "target__institution",
                "target__pair__inspecting",
                "target__pair__inspected",
            ),
            pk=pk,
        ),
    )
    rectify = may_rectify(request.user, finding)
    # Bound on every POST: "request.POST or None" left an empty submit unbound, so it was
    # silently ignored instead of answered with the field's error (issue 13).
    posted = request.method == "POST"
    form = (
        (RectificationForm(request.POST, request.FILES) if posted else RectificationForm())
        if rectify
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("只有被检查机构的用户可以提交整改"))
        if form.is_valid():
            try:
                services.submit_finding_rectification(
                    request.user,
                    finding,
                    form.cleaned_data["text"],
                    form.cleaned_data["attachments"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("整改已提交。"))
                return redirect("inspections-finding", pk=pk)
    context = {
        "finding": finding,
        "overdue": finding.is_overdue(),
        "evidence": finding.files.filter(rectification__isnull=True),
        "rectifications": finding.rectifications.prefetch_related("files"),
        "form": form,
        "may_submit": rectify and finding.status in (FindingStatus.OPEN, FindingStatus.RETURNED),
        "may_review": may_inspect(request.user, finding.target)
        and finding.status == FindingStatus.SUBMITTED,
        "may_publish": can_write_region(request.user, finding.target.pair.inspected_id),
        "review_form": ReviewForm(),
    }
    return render(request, "inspections/finding_detail.html", context)


@login_required
def finding_file(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence of a finding or of its rectification, for whoever may read the finding."""
    stored = get_object_or_404(FindingFile.objects.select_related("finding__target__pair"), pk=pk)
    access_finding(request.user, stored.finding)
    return download(stored)


@login_required
@require_POST
def finding_review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    finding = access_finding(request.user, get_object_or_404(Finding, pk=pk))
    note = request.POST.get("note", "")
    if decision == "accept":
        return run(
            request,
            lambda: services.accept_finding_rectification(request.user, finding, note),
            _("整改通过"),
            "inspections-finding",
            pk,
        )
    if decision == "reject":
        return run(
            request,
            lambda: services.reject_finding_rectification(request.user, finding, note),
            _("整改退回"),
            "inspections-finding",
            pk,
        )
    if decision in ("publish", "unpublish"):
        return run(
            request,
            lambda: services.publish_finding(request.user, finding, decision == "publish"),
            _("公开设置"),
            "inspections-finding",
            pk,
        )
    raise PermissionDenied


def case_list(request: HttpRequest) -> HttpResponse:
    """The public case library (交流经验): anonymised unless a finding is published."""
    text = request.GET.get("q", "").strip()
    clause = request.GET.get("clause", "")
    field = request.GET.get("field", "")
    region = request.GET.get("region", "")
    findings = case_library(text, clause, field, region)
    page = paginate(request, findings, PAGE_SIZE)
    regions = list(Region.objects.filter(is_active=True))
    context = {
        "page": page,
        "cases": [as_case(f) for f in page.object_list],
        "q": text,
        "clause": clause,
        "field": field,
        "region": region,
        "regions": regions,
        "clauses": CriteriaClause.objects.filter(
            number__in=Finding.objects.values("clause__number")
        )
        .values_list("number", "title")
        .distinct()
        .order_by("number"),
        "fields": Finding.objects.exclude(field="")
        .values_list("field", flat=True)
        .distinct()
        .order_by("field"),
        "counts": problem_counts()[:10],
    }
    return render(request, "inspections/case_list.html", context)
