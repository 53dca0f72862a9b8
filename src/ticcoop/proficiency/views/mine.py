"""我的能力验证: an institution user's rounds, results, letters, actions and history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ticcoop.proficiency import queries
from ticcoop.proficiency.forms_workflow import ReceiptForm
from ticcoop.proficiency.history_chart import z_chart
from ticcoop.proficiency.models import RoundStatus, SubmissionReceipt
from ticcoop.proficiency.receipt_pdf import receipt_pdf


@login_required
@require_GET
def my_pt(request: HttpRequest) -> HttpResponse:
    institution = queries.institution_of(request.user)
    if institution is None:
        raise PermissionDenied(_("只有机构用户有“我的能力验证”页面"))
    taken = list(queries.participations(institution))
    histories = queries.lab_history(institution)
    shipments = queries.lab_dispatches(institution)
    context = {
        "institution": institution,
        "open_rounds": queries.open_rounds_for(institution),
        "current": [
            (p, shipments.get(p.pk, []), queries.current_instructions(p.round))
            for p in taken
            if p.round.status != RoundStatus.PUBLISHED
        ],
        "receipt_form": ReceiptForm(),
        "published": [p for p in taken if p.round.status == RoundStatus.PUBLISHED],
        "actions": queries.open_actions(queries.actions_for(request.user)),
        "histories": [
            (h, z_chart(h.measurand.name, [p.round.code for p in h.points], h.stats.z))
            for h in histories
        ],
        "drifting": [h for h in histories if h.drifting],
    }
    return render(request, "proficiency/mine.html", context)


@login_required
@require_GET
def receipt(request: HttpRequest, pk: int, code: str, number: int) -> HttpResponse:
    """A participant's signed submission receipt: its institution and the organiser only."""
    found = get_object_or_404(
        SubmissionReceipt.objects.select_related("participant__round__scheme"),
        participant__round_id=pk,
        participant__code=code,
        number=number,
    )
    if not queries.can_see_key(request.user, found.participant):
        raise Http404  # to others, which code is whose does not exist
    response = HttpResponse(receipt_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{code}-receipt-{number}.pdf"'
    return response
