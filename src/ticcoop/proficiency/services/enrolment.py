"""Enrolment of institutions of every region, with a random participant code per round."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.proficiency.models import Participant, Round, RoundStatus
from ticcoop.proficiency.queries import institution_of, is_organiser
from ticcoop.registry.models import Institution, InstitutionStatus


def code_digits(enrolled: int) -> int:
    """3 digits ("PT2025-013") while at most a third of the space is used, then more."""
    digits = 3
    while (enrolled + 1) * 3 > 10**digits:
        digits += 1
    return digits


def new_participant_code(round_: Round, taken: set[str]) -> str:
    """An unpredictable unused code: drawn with ``secrets`` from the unused numbers."""
    digits = code_digits(len(taken))
    prefix = f"PT{round_.year}-"
    while True:
        code = f"{prefix}{secrets.randbelow(10**digits - 1) + 1:0{digits}d}"
        if code not in taken:
            return code


def _may_enrol(actor: Any, round_: Round, institution: Institution) -> None:
    own = institution_of(actor)
    if own is not None and own.pk == institution.pk:
        return
    if is_organiser(actor, round_):
        return
    raise PermissionDenied(_("机构用户只能为本机构报名；组织地区监管人员可代为报名"))


@transaction.atomic
def enrol(
    actor: Any, round_: Round, institution: Institution, *, now: datetime | None = None
) -> Participant:
    """Enrol ``institution`` (any region) while enrolment is open and before its deadline."""
    _may_enrol(actor, round_, institution)
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.status != RoundStatus.ENROLMENT:
        raise ValidationError(_("本轮次已停止报名"))
    if (now or timezone.now()) > locked.enrolment_deadline:
        raise ValidationError(_("已过报名截止时间"))
    if institution.status != InstitutionStatus.OPERATING:
        raise ValidationError(
            _("机构状态为“%(s)s”，不能报名") % {"s": institution.get_status_display()}
        )
    if locked.participants.filter(institution=institution).exists():
        raise ValidationError(_("该机构已报名本轮次"))
    taken = set(locked.participants.values_list("code", flat=True))
    participant = Participant(
        round=locked,
        institution=institution,
        code=new_participant_code(locked, taken),
        enrolled_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    participant.full_clean()
    with audit_as(actor):
        participant.save()
    return participant
