"""The provider's pages (regulators of the organising region): item checks, decisions on
failed checks, and reference values.  Every write goes through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ticcoop.pages import paginate
from ticcoop.proficiency import queries, services
from ticcoop.proficiency.forms import (
    DEFAULT_ITEMS,
    MAX_ITEMS,
    DecisionForm,
    HomogeneityForm,
    ReferenceForm,
    StabilityForm,
)
from ticcoop.proficiency.models import AssignedValueMethod, CheckKind, Round, RoundStatus
from ticcoop.proficiency.views import PAGE_SIZE, _attempt

LOCKED = (RoundStatus.EVALUATED, RoundStatus.PUBLISHED)


def _provider_round(request: HttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("scheme__organising_region"), pk=pk)
    queries.access_organiser(request.user, round_)  # PermissionDenied → 403
    return round_


def _items(request: HttpRequest) -> int:
    raw = request.POST.get("items") or request.GET.get("items") or ""
    return min(max(int(raw), 2), MAX_ITEMS) if raw.isdigit() else DEFAULT_ITEMS


def _post_check(request: HttpRequest, round_: Round, kind: str, form: Any) -> bool:
    data = form.cleaned_data
    payload = data["table"] if kind == CheckKind.HOMOGENEITY else {
        "before": data["before"], "after": data["after"]
    }  # fmt: skip
    return _attempt(
        request,
        lambda: services.record_item_check(request.user, round_, data["measurand"], kind, payload),
        _("已计算并保存%(kind)s检验") % {"kind": CheckKind(kind).label},
    )


@login_required
def item_checks(request: HttpRequest, pk: int) -> HttpResponse:
    """Homogeneity (g × 2) and stability entry with the computed result and the criterion."""
    round_ = _provider_round(request, pk)
    which = request.POST.get("form", "")
    hom = HomogeneityForm(
        request.POST if which == "homogeneity" else None, round_=round_, items=_items(request)
    )
    stab = StabilityForm(request.POST if which == "stability" else None, round_=round_)
    form = {"homogeneity": hom, "stability": stab}.get(which)
    if form is not None and form.is_valid() and _post_check(request, round_, which, form):
        return redirect("pt-round-checks", pk=pk)
    bound: dict[int, DecisionForm] = {}
    if which == "decision":
        check = get_object_or_404(round_.item_checks, pk=request.POST.get("check"))
        bound[check.pk] = decision = DecisionForm(request.POST, check=check)
        if decision.is_valid() and _attempt(request, lambda: services.decide_item_check(
            request.user, check, decision.cleaned_data["decision"], decision.cleaned_data["reason"]
        ), _("已记录决定")):  # fmt: skip
            return redirect("pt-round-checks", pk=pk)
    checks = round_.item_checks.select_related("measurand", "decided_by").order_by(
        "measurand__order", "kind"
    )
    page = paginate(request, checks, PAGE_SIZE)
    context = {
        "round": round_,
        "hom": hom,
        "stab": stab,
        "page": page,
        "rows": [(c, None if c.passed else bound.get(c.pk) or DecisionForm(check=c)) for c in page],
        "locked": round_.status in LOCKED,
    }
    return render(request, "proficiency/checks.html", context)


@login_required
def references(request: HttpRequest, pk: int) -> HttpResponse:
    """Reference values where the design needs them: formulation, certified value, experts."""
    round_ = _provider_round(request, pk)
    method = round_.scheme.x_pt_method
    needed = method != AssignedValueMethod.CONSENSUS
    form = ReferenceForm(request.POST or None, round_=round_) if needed else None
    if form is not None and form.is_bound and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: services.set_reference(
                request.user, round_, data["measurand"], **form.values()
            ),
            _("已保存“%(m)s”的参考值") % {"m": data["measurand"].name},
        ):
            return redirect("pt-round-references", pk=pk)
    stored = {r.measurand_id: r for r in round_.references.all()}
    measurands = round_.scheme.measurands.all()
    page = paginate(request, measurands, PAGE_SIZE)
    context = {
        "round": round_,
        "method": AssignedValueMethod(method),
        "needed": needed,
        "form": form,
        "page": page,
        "rows": [(m, stored.get(m.pk)) for m in page],
        "locked": round_.status in LOCKED,
    }
    return render(request, "proficiency/references.html", context)
