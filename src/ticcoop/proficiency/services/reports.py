"""The published report's revisions, its particulars, the private letters and the signed
participation certificates (参加证明).

Every function here writes inside ``transaction.atomic`` with the actor in the audit log.
Issued rows (report revisions, letters, certificates) are never changed: a correction of the
report is a new revision with its reason (ISO/IEC 17043:2023 7.4.3).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.digesting import record_digest
from ticcoop.proficiency.models import (
    PARTICULAR_FIELDS,
    EvaluationRun,
    Participant,
    ParticipantLetter,
    ParticipationCertificate,
    Report,
    ReportLayout,
    ReportParticulars,
    Round,
    RoundStatus,
)
from ticcoop.proficiency.queries import access_organiser
from ticcoop.trust.services import sign_fields

ISSUER = "platform"
CERTIFICATE_DOCUMENT = "pt-participation"
#: The reason of the revision that replaces reports stored before the 17043 layout (they
#: carried every participant's letter): ``ticcoop reissue-pt-reports`` at deploy.
LEGACY_REASON = "结果通知书移出公开报告；按 ISO/IEC 17043:2023 7.4 增加报告编号、修订记录和报告要素"
MAX_REASON = 256


def report_number(round_: Round) -> str:
    """The report number, the same for every revision of the round's report."""
    return f"PTR-{round_.code}"


def published_run(round_: Round) -> EvaluationRun:
    run = round_.evaluations.filter(published_at__isnull=False).first()
    if run is None:
        raise ValidationError(_("报告只在发布后生成"))
    return run


def particulars_of(round_: Round) -> dict[str, str]:
    found = ReportParticulars.objects.filter(round=round_).first()
    return found.as_dict() if found else dict.fromkeys(PARTICULAR_FIELDS, "")


@transaction.atomic
def save_report_particulars(actor: Any, round_: Round, **values: str) -> ReportParticulars:
    """The named people and texts of the report; used by the next revision issued."""
    access_organiser(actor, round_)
    unknown = set(values) - set(PARTICULAR_FIELDS)
    if unknown:
        raise ValidationError(_("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    with audit_as(actor):
        found, _created = ReportParticulars.objects.get_or_create(round=round_)
        for name, value in values.items():
            setattr(found, name, str(value).strip())
        found.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        found.full_clean()
        found.save()
    return found


def latest_report(round_: Round) -> Report | None:
    return Report.objects.filter(round=round_).order_by("-revision").first()


def _issue(actor: Any, round_: Round, reason: str) -> Report:
    """Render and store revision n + 1 (the caller holds the round's lock)."""
    from ticcoop.proficiency.report import ReportMeta, round_report_pdf

    run = published_run(round_)
    previous = list(Report.objects.filter(round=round_).order_by("revision"))
    revision = (previous[-1].revision if previous else 0) + 1
    now = timezone.now()
    particulars = particulars_of(round_)
    meta = ReportMeta(
        number=report_number(round_),
        revision=revision,
        issued_at=now,
        reason=reason,
        particulars=particulars,
        history=[(r.revision, r.created_at, r.reason) for r in previous],
    )
    pdf = round_report_pdf(run, meta)
    with audit_as(actor):
        return Report.objects.create(
            round=round_,
            revision=revision,
            number=meta.number,
            run=run,
            pdf=pdf,
            sha256=record_digest(pdf),
            reason=reason,
            particulars=particulars,
            layout=ReportLayout.ISO17043,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
        )


def _locked_published(round_: Round) -> Round:
    locked = Round.objects.select_for_update().select_related("scheme").get(pk=round_.pk)
    if locked.status != RoundStatus.PUBLISHED:
        raise ValidationError(_("报告只在发布后生成"))
    return locked


@transaction.atomic
def store_report(actor: Any, round_: Round) -> Report:
    """The current revision of a published round's report; revision 1 is issued on the first
    call (at publication, or by the publication job)."""
    existing = latest_report(round_)
    if existing is not None:
        return existing
    locked = _locked_published(round_)
    existing = latest_report(locked)  # another request may have issued it meanwhile
    return existing or _issue(actor, locked, "")


@transaction.atomic
def correct_report(actor: Any, round_: Round, reason: str) -> Report:
    """A corrected report: a new revision with its reason; the earlier ones stay as issued."""
    access_organiser(actor, round_)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("修订报告须说明理由")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("理由最多 %(n)d 个字符") % {"n": MAX_REASON}})
    locked = _locked_published(round_)
    if latest_report(locked) is None:
        raise ValidationError(_("报告尚未签发，无需修订"))
    return _issue(actor, locked, reason)


def reissue_legacy_reports(actor: Any = None) -> list[Report]:
    """A new revision for every round whose current report has the legacy layout (stored
    before the letters left the public report). Run at deploy; running it again does nothing."""
    issued = []
    rounds = Round.objects.filter(reports__layout=ReportLayout.LEGACY).distinct()
    for round_ in rounds.order_by("pk"):
        with transaction.atomic():
            locked = _locked_published(round_)
            current = latest_report(locked)
            if current is not None and current.layout == ReportLayout.LEGACY:
                issued.append(_issue(actor, locked, LEGACY_REASON))
    return issued


@transaction.atomic
def store_letters(actor: Any, round_: Round) -> int:
    """Render and keep every participant's private letter of the published evaluation (the
    background job after publication); letters already stored are kept. Returns how many."""
    from ticcoop.proficiency.report import letters_pdfs

    run = published_run(round_)
    done = set(ParticipantLetter.objects.filter(run=run).values_list("participant_id", flat=True))
    todo = [
        p
        for p in round_.participants.select_related("institution").order_by("code")
        if p.pk not in done
    ]
    with audit_as(actor):
        letters = [
            ParticipantLetter(run=run, participant=p, pdf=pdf, sha256=record_digest(pdf))
            for p, pdf in zip(todo, letters_pdfs(run, todo), strict=True)
        ]
        ParticipantLetter.objects.bulk_create(letters, batch_size=200)
    return len(letters)


def certificate_content(participant: Participant, report: Report, issued: datetime) -> str:
    round_, institution = participant.round, participant.institution
    document = {
        "doc": CERTIFICATE_DOCUMENT,
        "round": round_.code,
        "scheme": f"{round_.scheme.code} {round_.scheme.name}",
        "provider": round_.scheme.provider_name,
        "code": participant.code,
        "institution": institution.name,
        "ucc": institution.credit_code,
        "measurands": [m.name for m in round_.scheme.measurands.order_by("order", "pk")],
        "report": f"{report.number} rev. {report.revision}",
        "issued": issued.astimezone(UTC).isoformat(timespec="seconds"),
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@transaction.atomic
def issue_participation_certificate(
    actor: Any, participant: Participant
) -> ParticipationCertificate:
    """The participant's 参加证明 (issued once, after the report is published)."""
    existing = ParticipationCertificate.objects.filter(participant=participant).first()
    if existing is not None:
        return existing
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    existing = ParticipationCertificate.objects.filter(participant=participant).first()
    if existing is not None:
        return existing
    round_ = participant.round
    report = latest_report(round_) if round_.status == RoundStatus.PUBLISHED else None
    if report is None:
        raise ValidationError(_("参加证明在报告发布后签发"))
    issued = timezone.now()
    content = certificate_content(participant, report, issued)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    number = f"{report.number}/{participant.code}"
    fields: dict[str, str | int] = {
        "doc": CERTIFICATE_DOCUMENT,
        "no": number,
        "name": participant.institution.name,
        "ucc": participant.institution.credit_code,
        "round": round_.code,
        "code": participant.code,
        "issued": issued.astimezone(UTC).isoformat(timespec="seconds"),
        "sha256": digest,
    }
    with audit_as(actor):
        return ParticipationCertificate.objects.create(
            participant=participant,
            number=number,
            issued_at=issued,
            content=content,
            digest=digest,
            token=sign_fields(ISSUER, fields),
        )


def last_revision_number(round_: Round) -> int:
    return Report.objects.filter(round=round_).aggregate(n=Max("revision"))["n"] or 0
