"""The provider's workflow pages (instructions, dispatch records, extensions), the
instructions PDF for participants, and the lab's receipt confirmation.  Every write goes
through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ticcoop.pages import paginate
from ticcoop.proficiency import queries, services
from ticcoop.proficiency.forms_workflow import (
    DispatchUploadForm,
    ExtensionForm,
    InstructionsForm,
    ReceiptForm,
)
from ticcoop.proficiency.instructions_pdf import instructions_pdf
from ticcoop.proficiency.models import Dispatch, Round, RoundStatus
from ticcoop.proficiency.views import PAGE_SIZE, _attempt
from ticcoop.proficiency.views.provider import _provider_round


def _initial(round_: Round) -> dict[str, Any]:
    current = queries.current_instructions(round_)
    if current is None:
        return {}
    return {
        "sample_handling": current.sample_handling,
        "reporting": current.reporting,
        "contact": current.contact,
    }


@login_required
def instructions(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the draft before dispatch; afterwards correct it as a new version with a reason."""
    round_ = _provider_round(request, pk)
    form = InstructionsForm(request.POST or None, initial=_initial(round_))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: services.save_instructions(request.user, round_, **data),
            _("已保存参加须知"),
        ):
            return redirect("pt-round-instructions", pk=pk)
    versions = list(round_.instructions.select_related("edited_by").order_by("-version"))
    context = {
        "round": round_,
        "form": form,
        "versions": versions,
        "dispatched": round_.status != RoundStatus.ENROLMENT,
        "published": round_.status == RoundStatus.PUBLISHED,
    }
    return render(request, "proficiency/instructions.html", context)


@login_required
@require_GET
def instructions_download(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    """One version as PDF: enrolled participants and the organising region only."""
    round_ = get_object_or_404(queries.public_rounds(), pk=pk)
    if not queries.may_read_instructions(request.user, round_):
        raise PermissionDenied(_("只有本轮次的参加者和组织方可以下载参加须知"))
    document = get_object_or_404(round_.instructions, version=version)
    current = queries.current_instructions(round_)
    latest = current.version if current is not None else version
    response = HttpResponse(instructions_pdf(document, latest), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{round_.code}-instructions-v{version}.pdf"'
    )
    return response


def _grant(request: HttpRequest, round_: Round, form: ExtensionForm) -> bool:
    data = form.cleaned_data
    participant = round_.participants.filter(code=data["code"].strip()).first()
    if participant is None:
        messages.error(request, _("本轮次没有参加者“%(c)s”") % {"c": data["code"]})
        return False
    return _attempt(
        request,
        lambda: services.grant_extension(
            request.user, participant, until=data["until"], reason=data["reason"]
        ),
        _("已批准参加者 %(c)s 延期") % {"c": participant.code},
    )


@login_required
def dispatches(request: HttpRequest, pk: int) -> HttpResponse:
    """Dispatch records (bulk by file), the labs' receipt confirmations, and extensions."""
    round_ = _provider_round(request, pk)
    which = request.POST.get("form", "")
    upload = DispatchUploadForm(
        request.POST if which == "upload" else None, request.FILES if which == "upload" else None
    )
    extension = ExtensionForm(request.POST if which == "extension" else None)
    if upload.is_bound and upload.is_valid():
        stored = upload.cleaned_data["file"]
        if _attempt(
            request,
            lambda: services.upload_dispatches(
                request.user, round_, stored.name or "", stored.read()
            ),
            _("已登记发放记录"),
        ):
            return redirect("pt-round-dispatches", pk=pk)
    if extension.is_bound and extension.is_valid() and _grant(request, round_, extension):
        return redirect("pt-round-dispatches", pk=pk)
    records = queries.round_dispatches(round_)
    context = {
        "round": round_,
        "page": paginate(request, records, PAGE_SIZE),
        "summary": queries.dispatch_summary(round_),
        "upload": upload,
        "extension": extension,
        "granted": queries.round_extensions(round_),
        "open": round_.status == RoundStatus.DISPATCHED,
        "now": timezone.now(),
    }
    return render(request, "proficiency/dispatches.html", context)


@login_required
@require_POST
def confirm_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The lab confirms receipt of one shipment (from 我的能力验证)."""
    institution = queries.institution_of(request.user)
    found = get_object_or_404(Dispatch.objects.select_related("participant"), pk=pk)
    if institution is None or found.participant.institution_id != institution.pk:
        raise Http404  # another lab's shipment does not exist for this user
    form = ReceiptForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _attempt(
            request,
            lambda: services.confirm_receipt(
                request.user,
                found,
                received_on=data["received_on"],
                condition=data["condition"],
                remark=data["remark"],
            ),
            _("已确认收样"),
        )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else str(error))
    return redirect("pt-mine")
