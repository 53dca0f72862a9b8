"""The report's revisions (public once published), the provider's particulars and
corrections, the private letters and the participation certificates (参加证明).
Every write goes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ticcoop.proficiency import queries, services
from ticcoop.proficiency.models import (
    Participant,
    ParticipantLetter,
    Report,
    ReportParticulars,
    Round,
    RoundStatus,
)
from ticcoop.proficiency.receipt_pdf import participation_certificate_pdf
from ticcoop.proficiency.report import letter_pdf
from ticcoop.proficiency.report_forms import CorrectionForm, ParticularsForm
from ticcoop.proficiency.stamp import stored_superseded


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def report_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every revision with its reason and SHA-256; the provider edits the particulars and
    issues a corrected revision here."""
    round_ = get_object_or_404(queries.public_rounds().select_related("scheme"), pk=pk)
    organiser = queries.is_organiser(request.user, round_)
    revisions = list(Report.objects.filter(round=round_).order_by("-revision"))
    if not revisions and not organiser:
        raise Http404
    found = ReportParticulars.objects.filter(round=round_).first()
    particulars = ParticularsForm(instance=found or ReportParticulars(round=round_))
    correction = CorrectionForm()
    if request.method == "POST" and organiser:
        which = request.POST.get("form", "")
        try:
            if which == "particulars":
                particulars = ParticularsForm(request.POST, instance=found)
                if particulars.is_valid():
                    services.save_report_particulars(
                        request.user, round_, **particulars.cleaned_data
                    )
                    messages.success(request, _("已保存报告人员与说明，将用于下一次签发的版次"))
                    return redirect("pt-report-revisions", pk=pk)
            elif which == "correction":
                correction = CorrectionForm(request.POST)
                if correction.is_valid():
                    report = services.correct_report(
                        request.user, round_, correction.cleaned_data["reason"]
                    )
                    messages.success(request, _("已签发第 %(n)d 版") % {"n": report.revision})
                    return redirect("pt-report-revisions", pk=pk)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
    context = {
        "round": round_,
        "revisions": revisions,
        "latest": revisions[0].revision if revisions else 0,
        "organiser": organiser,
        "particulars": particulars,
        "correction": correction,
        "published": round_.status == RoundStatus.PUBLISHED,
    }
    return render(request, "proficiency/report_revisions.html", context)


@require_GET
def report_revision_pdf(request: HttpRequest, pk: int, revision: int) -> HttpResponse:
    """One revision as issued; a superseded one is stamped as such on every page."""
    report = get_object_or_404(
        Report.objects.filter(round__status=RoundStatus.PUBLISHED), round_id=pk, revision=revision
    )
    body = bytes(report.pdf)
    later = Report.objects.filter(round_id=pk, revision__gt=revision).order_by("revision").first()
    if later is not None:
        day = timezone.localtime(later.created_at).strftime("%Y-%m-%d")
        line = f"{report.number} 第 {report.revision} 版已于 {day} 被第 {later.revision} 版取代"
        body = stored_superseded(report.sha256, body, "已被取代", line)
    return _pdf(body, f"{report.number}-rev{report.revision}.pdf")


def _own_published_participant(request: HttpRequest, pk: int, code: str) -> Participant:
    round_ = get_object_or_404(Round, pk=pk, status=RoundStatus.PUBLISHED)
    participant = get_object_or_404(
        round_.participants.select_related("institution", "round__scheme"), code=code
    )
    if not queries.can_see_key(request.user, participant):
        raise Http404  # not 403: to others the document, and which code is whose, do not exist
    return participant


@login_required
@require_GET
def participant_letter(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The participant's private letter: stored by the job after publication, else rendered."""
    participant = _own_published_participant(request, pk, code)
    run = queries.published_run(participant.round)
    if run is None:  # pragma: no cover - a published round has its published run
        raise Http404
    stored = ParticipantLetter.objects.filter(run=run, participant=participant).first()
    body = bytes(stored.pdf) if stored else letter_pdf(run, participant)
    return _pdf(body, f"{code}.pdf")


@login_required
@require_GET
def participation_certificate(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """参加证明: issued on first download after the report is published; the participant's
    institution and the organiser only (404 for everyone else)."""
    participant = _own_published_participant(request, pk, code)
    try:
        certificate = services.issue_participation_certificate(request.user, participant)
    except ValidationError as exc:  # the report is not issued yet
        raise Http404 from exc
    return _pdf(participation_certificate_pdf(certificate), f"{code}-participation.pdf")
