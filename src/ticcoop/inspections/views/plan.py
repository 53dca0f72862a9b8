from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticcoop.inspections.models import ActionPlan, Milestone
from ticcoop.inspections.progress import plan_progress
from ticcoop.inspections.services.plan import complete_milestone, may_update_item
from ticcoop.pages import run


def plan_detail(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """Each item's measured progress, its milestones, and what is overdue (public page)."""
    plans = ActionPlan.objects.select_related("convener")
    plan = plans.filter(year=year).first() if year else plans.first()
    if plan is None:
        raise Http404(_("没有这一年度的行动计划"))
    rows = plan_progress(plan)
    context = {
        "plan": plan,
        "rows": rows,
        "years": list(plans.values_list("year", flat=True)),
        "overdue": [row for row in rows if row.overdue or row.overdue_milestones],
        "editable": {row.item.pk for row in rows if may_update_item(request.user, row.item)},
    }
    return render(request, "inspections/plan.html", context)


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("item__plan"), pk=pk)
    return run(
        request,
        lambda: complete_milestone(request.user, milestone),
        _("确认节点完成"),
        "inspections-plan-year",
        milestone.item.plan.year,
    )
