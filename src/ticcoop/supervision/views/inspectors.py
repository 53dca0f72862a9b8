"""Inspector directory: search by region, specialty, name; edit one's own region's records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import can_write_region
from ticcoop.pages import paginate, submit
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert
from ticcoop.registry.queries import sees_expert_ties
from ticcoop.supervision import queries, services
from ticcoop.supervision.forms import AvailabilityForm
from ticcoop.supervision.models import InspectorAvailability
from ticcoop.supervision.snapshot import DEFAULT_CAPACITY


@login_required
def inspector_list(request: HttpRequest) -> HttpResponse:
    queries.access_workbench(request.user)
    params = {key: request.GET.get(key, "").strip() for key in ("q", "region", "specialty")}
    experts = queries.search_inspectors(params["q"], params["region"], params["specialty"])
    page = paginate(request, experts)
    rows = [
        (
            expert,
            getattr(expert, "availability", None),
            can_write_region(request.user, expert.region_id),
        )
        for expert in page
    ]
    context = {
        **params,
        # employers only for regulators and observers, as in the expert pool
        "show_employer": sees_expert_ties(request.user),
        "page": page,
        "rows": rows,
        "regions": Region.objects.order_by("code"),
        "default_capacity": DEFAULT_CAPACITY,
    }
    return render(request, "supervision/inspector_list.html", context)


@login_required
def inspector_edit(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(Expert.objects.select_related("region"), pk=pk, is_inspector=True)
    if not can_write_region(request.user, expert.region_id):
        raise PermissionDenied(_("只能修改本地区检查人员的记录"))
    record = InspectorAvailability.objects.filter(expert=expert).first()
    record = record or InspectorAvailability(expert=expert, capacity=DEFAULT_CAPACITY)
    form = AvailabilityForm(request.POST or None, instance=record)
    save = lambda: services.save_availability(request.user, form.instance)  # noqa: E731
    if request.method == "POST" and form.is_valid() and submit(form, save):
        messages.success(request, _("已保存：%(n)s") % {"n": expert.name})
        return redirect("supervision-inspectors")
    return render(request, "supervision/inspector_form.html", {"expert": expert, "form": form})
