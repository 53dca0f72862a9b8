"""Reading the change feeds: a page of events after a cursor, and who may read which kind."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import has_role, read_region_ids
from ticcoop.accounts.roles import Role
from ticcoop.events.models import Event, Kind
from ticcoop.events.sequencer import sequence
from ticcoop.regions.models import Region

# Kinds whose objects are public anyway (the registry, certificates, published rounds and draws).
PUBLIC_KINDS = {Kind.INSTITUTION, Kind.CERTIFICATE, Kind.PT_ROUND, Kind.DRAW}
MAX_LIMIT = 1000
# Kinds whose records belong to a region and are not shared with the others: a reader limited to
# its region (``accounts.queries.read_region_ids``) gets only the events whose payload names its
# region under one of these keys. Published results and the public kinds are everybody's.
REGION_KEYS = {
    Kind.TASK: ("region",),
    Kind.FINDING: ("region", "inspecting_region"),
    Kind.DEADLINE: ("region",),
}


def access_feed(user: Any, kind: str) -> None:
    if kind in PUBLIC_KINDS or getattr(user, "is_superuser", False):
        return
    if has_role(user, Role.REGULATOR) or has_role(user, Role.NATIONAL_OBSERVER):
        return
    raise PermissionDenied(_("无权读取该变更流"))


def feed_of(kind: str, user: Any = None) -> QuerySet[Event]:
    """The events of ``kind`` the user reads (every one when ``user`` is None: internal use)."""
    events = Event.objects.filter(kind=kind)
    region_ids = None if user is None else read_region_ids(user)
    if region_ids is None or kind not in REGION_KEYS:
        return events
    codes = list(Region.objects.filter(pk__in=region_ids).values_list("code", flat=True))
    narrowed = Q(pk__in=[])
    for key in REGION_KEYS[Kind(kind)]:
        narrowed |= Q(**{f"payload__{key}__in": codes})
    return events.filter(narrowed)


def may_read_event(user: Any, event: Event) -> bool:
    """Whether the event is in the user's feed of its kind (webhooks: the same narrowing)."""
    try:
        access_feed(user, event.kind)
    except PermissionDenied:
        return False
    return feed_of(event.kind, user).filter(pk=event.pk).exists()


def changes_after(
    kind: str, since: int, limit: int, user: Any = None
) -> tuple[list[Event], int, bool]:
    """Events of ``kind`` after position ``since`` in position (commit) order, the next cursor
    and whether there are more (``events.sequencer`` numbers finished transactions first)."""
    sequence()
    page = feed_of(kind, user).filter(position__gt=since).order_by("position")
    rows = list(page[: min(limit, MAX_LIMIT) + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = rows[-1].position if rows else since
    return rows, int(cursor or 0), more


def head_of(kind: str) -> int:
    """The cursor after the newest event of ``kind`` (0 when there is none)."""
    sequence()
    last = Event.objects.filter(kind=kind).aggregate(top=Max("position"))["top"]
    return int(last or 0)
