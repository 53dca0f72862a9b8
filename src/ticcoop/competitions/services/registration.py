"""Registration of contestants by institution users, confirmed by their regional regulator."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import access_region_write
from ticcoop.competitions.models import (
    ACTIVE_CONTESTANT_STATUSES,
    Competition,
    CompetitionStatus,
    Contestant,
    ContestantStatus,
    Discipline,
)
from ticcoop.competitions.queries import has_valid_certificate, institution_of
from ticcoop.competitions.services._common import locked, require_status
from ticcoop.registry.models import Institution, InstitutionStatus


def eligibility_problems(competition: Competition, institution: Institution) -> list[str]:
    """Why the institution's staff may not compete (empty list: eligible)."""
    problems = []
    if institution.status != InstitutionStatus.OPERATING:
        problems.append(
            _("机构「%(name)s」状态为「%(status)s」，只有正常经营的机构可以报名")
            % {"name": institution.name, "status": institution.get_status_display()}
        )
    if not institution.region.is_active:
        problems.append(_("机构所在地区不在五地合作范围内"))
    if competition.require_valid_certificate and has_valid_certificate(institution) is False:
        problems.append(
            _("机构「%(name)s」没有有效的资质认定证书，本次比武要求持有效证书")
            % {"name": institution.name}
        )
    return problems


def _check_window(competition: Competition) -> None:
    require_status(competition, CompetitionStatus.REGISTRATION_OPEN, doing=_("报名"))
    now = timezone.now()
    if not competition.registration_opens <= now <= competition.registration_closes:
        raise ValidationError(
            {
                "competition": _("报名时间为 %(start)s 至 %(end)s，现在不在报名时间内")
                % {
                    "start": timezone.localtime(competition.registration_opens).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                    "end": timezone.localtime(competition.registration_closes).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                }
            }
        )


def _check_quota(discipline: Discipline, institution: Institution) -> None:
    taken = Contestant.objects.filter(
        discipline=discipline, institution=institution, status__in=ACTIVE_CONTESTANT_STATUSES
    ).count()
    if taken >= discipline.quota_per_institution:
        raise ValidationError(
            {
                "discipline": _(
                    "机构「%(name)s」在项目「%(discipline)s」的名额为 %(quota)d 人，"
                    "已报 %(taken)d 人"
                )
                % {
                    "name": institution.name,
                    "discipline": discipline.name,
                    "quota": discipline.quota_per_institution,
                    "taken": taken,
                }
            }
        )


@transaction.atomic
def register_contestant(
    actor: Any,
    competition: Competition,
    discipline: Discipline,
    person_name: str,
    staff_number: str,
) -> Contestant:
    """An institution user registers a member of staff of their own institution."""
    institution = institution_of(actor)
    if institution is None:
        raise PermissionDenied(_("只有机构用户可以为本机构人员报名"))
    competition = locked(competition)
    _check_window(competition)
    if discipline.competition_id != competition.pk:
        raise ValidationError(
            {"discipline": _("项目「%(name)s」不属于本次比武") % {"name": discipline.name}}
        )
    problems = eligibility_problems(competition, institution)
    if problems:
        raise ValidationError({"institution": problems})
    _check_quota(discipline, institution)
    staff_number = staff_number.strip()
    existing = Contestant.objects.filter(
        competition=competition, institution=institution, staff_number=staff_number
    ).first()
    if existing is not None:
        raise ValidationError(
            {
                "staff_number": _("工号 %(number)s 已报名本次比武（项目「%(discipline)s」）")
                % {"number": staff_number, "discipline": existing.discipline.name}
            }
        )
    contestant = Contestant(
        competition=competition,
        discipline=discipline,
        person_name=person_name.strip(),
        staff_number=staff_number,
        institution=institution,
        region=institution.region,
        registered_by=actor,
    )
    contestant.full_clean()
    with audit_as(actor):
        contestant.save()
    return contestant


@transaction.atomic
def decide_contestant(
    actor: Any, contestant: Contestant, *, approve: bool, note: str = ""
) -> Contestant:
    """The regulator of the contestant's region confirms or rejects a pending registration."""
    access_region_write(actor, contestant)
    competition = locked(contestant.competition)
    require_status(competition, CompetitionStatus.REGISTRATION_OPEN, doing=_("审核报名"))
    contestant = Contestant.objects.select_for_update().get(pk=contestant.pk)
    if contestant.status != ContestantStatus.PENDING:
        raise ValidationError(
            {
                "status": _("该报名已处理（%(status)s）")
                % {"status": contestant.get_status_display()}
            }
        )
    note = note.strip()
    if approve:
        problems = eligibility_problems(competition, contestant.institution)
        if problems:
            raise ValidationError({"institution": problems})
        contestant.status = ContestantStatus.CONFIRMED
    else:
        if not note:
            raise ValidationError({"decision_note": _("不予确认时必须填写原因")})
        contestant.status = ContestantStatus.REJECTED
    contestant.decided_by = actor
    contestant.decided_at = timezone.now()
    contestant.decision_note = note
    with audit_as(actor):
        contestant.save()
    return contestant


@transaction.atomic
def withdraw_contestant(actor: Any, contestant: Contestant) -> Contestant:
    """The institution withdraws its contestant while registration is open."""
    if institution_of(actor) != contestant.institution:
        raise PermissionDenied(_("只能撤回本机构的报名"))
    competition = locked(contestant.competition)
    require_status(competition, CompetitionStatus.REGISTRATION_OPEN, doing=_("撤回报名"))
    if timezone.now() > competition.registration_closes:
        raise ValidationError(
            {
                "competition": _("报名已于 %(end)s 截止，不能再撤回")
                % {
                    "end": timezone.localtime(competition.registration_closes).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                }
            }
        )
    contestant = Contestant.objects.select_for_update().get(pk=contestant.pk)
    if contestant.status not in ACTIVE_CONTESTANT_STATUSES:
        raise ValidationError({"status": _("该报名已无法撤回")})
    contestant.status = ContestantStatus.WITHDRAWN
    with audit_as(actor):
        contestant.save(update_fields=["status"])
    return contestant
