"""Appeals against confirmed scores: filed by the contestant's institution, answered by the
organiser before the results can be published."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.competitions.models import Appeal, AppealOutcome, CompetitionStatus, Contestant
from ticcoop.competitions.queries import institution_of
from ticcoop.competitions.services._common import locked, require_organiser, require_status
from ticcoop.competitions.services.results import rebuild_results
from ticcoop.notices.services import notify


@transaction.atomic
def file_appeal(actor: Any, contestant: Contestant, text: str) -> Appeal:
    if institution_of(actor) != contestant.institution:
        raise PermissionDenied(_("只有选手所在机构的用户可以提出申诉"))
    competition = locked(contestant.competition)
    require_status(competition, CompetitionStatus.APPEAL_WINDOW, doing=_("提出申诉"))
    if competition.appeal_deadline and timezone.now() > competition.appeal_deadline:
        raise ValidationError({"text": _("申诉期已结束")})
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("请填写申诉理由")})
    appeal = Appeal(contestant=contestant, text=text, filed_by=actor)
    appeal.full_clean()
    with audit_as(actor):
        appeal.save()
    return appeal


@transaction.atomic
def answer_appeal(actor: Any, appeal: Appeal, outcome: str, answer: str) -> Appeal:
    """The organiser answers; an upheld appeal is followed by correction records (with a
    reason), and the results are recomputed."""
    competition = locked(appeal.contestant.competition)
    require_organiser(actor, competition)
    require_status(competition, CompetitionStatus.APPEAL_WINDOW, doing=_("答复申诉"))
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.answered_at is not None:
        raise ValidationError({"answer": _("该申诉已答复")})
    if outcome not in AppealOutcome.values:
        raise ValidationError(
            {
                "outcome": _("结论须为：%(values)s")
                % {"values": "、".join(str(label) for label in AppealOutcome.labels)}
            }
        )
    if not answer.strip():
        raise ValidationError({"answer": _("请填写答复内容")})
    appeal.outcome = outcome
    appeal.answer = answer.strip()
    appeal.answered_by = actor
    appeal.answered_at = timezone.now()
    with audit_as(actor):
        appeal.save()
        rebuild_results(competition)
    if appeal.filed_by_id:
        params = {"subject": "appeal", "ref": f"#{appeal.pk}", "decision": "answered"}
        url = reverse("competitions-detail", args=[competition.pk])
        notify(appeal.filed_by, "decision", params, url=url)
    return appeal
