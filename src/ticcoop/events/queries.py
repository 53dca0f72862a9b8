"""Reading the change feeds: a page of events after a cursor, and who may read which kind."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import has_role
from ticcoop.accounts.roles import Role
from ticcoop.events.models import Event, Kind

# Kinds whose objects are public anyway (the registry, certificates, published rounds and draws).
PUBLIC_KINDS = {Kind.INSTITUTION, Kind.CERTIFICATE, Kind.PT_ROUND, Kind.DRAW}
MAX_LIMIT = 1000


def access_feed(user: Any, kind: str) -> None:
    if kind in PUBLIC_KINDS or getattr(user, "is_superuser", False):
        return
    if has_role(user, Role.REGULATOR) or has_role(user, Role.NATIONAL_OBSERVER):
        return
    raise PermissionDenied(_("无权读取该变更流"))


def changes_after(kind: str, since: int, limit: int) -> tuple[list[Event], int, bool]:
    """Events of ``kind`` with id > ``since`` in id order, the next cursor, and whether more."""
    rows = list(
        Event.objects.filter(kind=kind, id__gt=since).order_by("id")[: min(limit, MAX_LIMIT) + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = rows[-1].pk if rows else since
    return rows, cursor, more


def head_of(kind: str) -> int:
    """The cursor after the newest event of ``kind`` (0 when there is none)."""
    last = Event.objects.filter(kind=kind).order_by("-id").values_list("id", flat=True).first()
    return last or 0
