"""我的能力验证: an institution user's rounds, results, letters, actions and history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ticcoop.proficiency import queries
from ticcoop.proficiency.history_chart import z_chart
from ticcoop.proficiency.models import RoundStatus


@login_required
@require_GET
def my_pt(request: HttpRequest) -> HttpResponse:
    institution = queries.institution_of(request.user)
    if institution is None:
        raise PermissionDenied(_("只有机构用户有“我的能力验证”页面"))
    taken = list(queries.participations(institution))
    histories = queries.lab_history(institution)
    context = {
        "institution": institution,
        "open_rounds": queries.open_rounds_for(institution),
        "current": [p for p in taken if p.round.status != RoundStatus.PUBLISHED],
        "published": [p for p in taken if p.round.status == RoundStatus.PUBLISHED],
        "actions": queries.open_actions(queries.actions_for(request.user)),
        "histories": [
            (h, z_chart(h.measurand.name, [p.round.code for p in h.points], h.stats.z))
            for h in histories
        ],
        "drifting": [h for h in histories if h.drifting],
    }
    return render(request, "proficiency/mine.html", context)
