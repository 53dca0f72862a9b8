"""Helpers shared by the competition services: organiser check, lifecycle guard, locking."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import can_write_region
from ticcoop.competitions.models import Competition, CompetitionStatus


def require_organiser(actor: Any, competition: Competition) -> None:
    """Only regulators of the organiser region (and superusers) run a competition."""
    if not can_write_region(actor, competition.organiser_region_id):
        raise PermissionDenied(_("只有主办地区的监管人员可以执行此操作"))


def status_label(status: str) -> str:
    return str(CompetitionStatus(status).label)


def require_status(competition: Competition, *allowed: str, doing: str) -> None:
    if competition.status not in allowed:
        raise ValidationError(
            {
                "status": _("比武「%(title)s」当前状态为「%(status)s」，不能%(doing)s")
                % {
                    "title": competition.title,
                    "status": status_label(competition.status),
                    "doing": doing,
                }
            }
        )


def locked(competition: Competition) -> Competition:
    """Re-read the competition under a row lock (serialises transitions and registrations)."""
    return (
        Competition.objects.select_for_update()
        .select_related("organiser_region")
        .get(pk=competition.pk)
    )
