from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticcoop.inspections.forms import CampaignForm, DrawForm, FindingForm, InspectionForm
from ticcoop.inspections.models import Campaign, CampaignTarget
from ticcoop.inspections.queries import (
    may_inspect,
    may_manage_campaign,
    regulator_region_id,
    visible_findings,
)
from ticcoop.inspections.report import campaign_summary, summary_pdf
from ticcoop.inspections.services import campaigns as services
from ticcoop.inspections.services.findings import record_finding
from ticcoop.methods.rotation import fairness
from ticcoop.pages import run
from ticcoop.regions.models import Region


def index(request: HttpRequest) -> HttpResponse:
    context = {
        "campaigns": Campaign.objects.select_related("organiser")[:20],
        # The same rule as campaign_new: a campaign is organised by a region's regulator.
        "may_create": regulator_region_id(request.user) is not None,
    }
    return render(request, "inspections/index.html", context)


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    region_id = regulator_region_id(request.user)
    if region_id is None:
        raise PermissionDenied(_("只有地区监管人员可以发起交叉互查"))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.organiser = Region.objects.get(pk=region_id)
        try:
            services.save_campaign(request.user, campaign, form.cleaned_data["participants"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("inspections-campaign", pk=campaign.pk)
    return render(request, "inspections/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("organiser"), pk=pk)
    pairs = campaign.pairs.select_related("inspecting", "inspected").prefetch_related(
        "targets__institution", "targets__team__expert"
    )
    context = {
        "campaign": campaign,
        "pairs": pairs,
        "fairness": fairness((p.inspecting.short_name, p.inspected.short_name) for p in pairs),
        "may_manage": may_manage_campaign(request.user, campaign),
        "draw_form": DrawForm(),
    }
    return render(request, "inspections/campaign_detail.html", context)


@login_required
@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    user = request.user
    steps = {
        "draw": (
            lambda: services.draw_campaign(user, campaign, request.POST.get("seed", "")),
            _("抽取"),
        ),
        "start": (lambda: services.start_campaign(user, campaign), _("开始检查")),
        "close": (lambda: services.close_campaign(user, campaign), _("结束互查")),
    }
    if action not in steps:
        raise PermissionDenied
    step, label = steps[action]
    return run(request, step, label, "inspections-campaign", campaign.pk)


@login_required
def campaign_report(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    summary = campaign_summary(campaign)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(summary_pdf(summary), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="cross-inspection-{campaign.pk}.pdf"'
        return response
    return render(request, "inspections/campaign_report.html", {"summary": summary})


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(
        CampaignTarget.objects.select_related(
            "institution", "pair__campaign", "pair__inspecting", "pair__inspected"
        ),
        pk=pk,
    )
    may = may_inspect(request.user, target)
    finding_form = FindingForm(request.POST or None, request.FILES or None) if may else None
    if request.method == "POST":
        if finding_form is None:
            raise PermissionDenied(_("只有检查组成员或检查方地区监管人员可以记录问题"))
        if finding_form.is_valid():
            data = finding_form.cleaned_data
            try:
                finding = record_finding(
                    request.user,
                    target,
                    clause=data["clause"],
                    description=data["description"],
                    severity=data["severity"],
                    field=data["field"],
                    deadline_days=data["deadline_days"],
                    files=data["attachments"],
                )
            except ValidationError as exc:
                finding_form.add_error(None, exc)
            else:
                messages.success(request, _("问题已记录。"))
                return redirect("inspections-finding", pk=finding.pk)
    context = {
        "target": target,
        "team": target.team.select_related("expert"),
        "findings": visible_findings(request.user).filter(target=target),
        "may_inspect": may,
        "finding_form": finding_form,
        "inspection_form": InspectionForm() if may else None,
    }
    return render(request, "inspections/target_detail.html", context)


@login_required
@require_POST
def target_inspection(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(CampaignTarget, pk=pk)
    form = InspectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("检查结果填写有误"))
        return redirect("inspections-target", pk=pk)
    data = form.cleaned_data
    return run(
        request,
        lambda: services.record_inspection(
            request.user,
            target,
            inspected_on=data["inspected_on"],
            summary=data["summary"],
            inspected=data["inspected"],
        ),
        _("记录检查结果"),
        "inspections-target",
        pk,
    )
