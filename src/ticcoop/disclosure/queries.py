"""Read-only views of the other apps' published records (the four public notices)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import has_role, region_id_of_user
from ticcoop.accounts.roles import Role
from ticcoop.disclosure.search import ResultFilters, notice_period
from ticcoop.regions.models import Region
from ticcoop.supervision import queries as supervision
from ticcoop.supervision.deferred import large_columns
from ticcoop.supervision.models import (
    Batch,
    InspectionItem,
    Task,
    TaskResult,
)

DRAW_FILES = {
    "manifest.json": ("application/json", "draw"),
    "targets.csv": ("text/csv; charset=utf-8", "targets_csv"),
    "inspectors.csv": ("text/csv; charset=utf-8", "inspectors_csv"),
}


def published_items() -> QuerySet[InspectionItem]:
    return InspectionItem.objects.filter(published_at__isnull=False).select_related("region")


def public_batch(pk: int) -> Batch:
    return get_object_or_404(supervision.public_batches(), pk=pk)


def draw_file(batch: Batch, name: str) -> bytes | None:
    """The bytes of a published file of a batch (the manifest once drawn)."""
    if name not in DRAW_FILES:
        return None
    attribute = DRAW_FILES[name][1]
    if attribute == "draw":
        draw = getattr(batch, "draw", None)
        return bytes(draw.manifest) if draw is not None else None
    return bytes(getattr(batch, attribute))


def public_result(pk: int) -> TaskResult:
    found = supervision.published_results().select_related("task__batch__draw")
    found = found.defer(*large_columns("task__batch__draw"))
    return get_object_or_404(found, pk=pk)


def item_names(task: Task) -> list[tuple[str, str]]:
    """(number, name) of the task's inspection items, as published in the item list."""
    numbers = task.items.split(";")
    names = dict(published_items().filter(number__in=numbers).values_list("number", "name"))
    return [(number, names.get(number, "")) for number in numbers]


def team_by_region(task: Task) -> list[tuple[str, list[str]]]:
    """The team's names grouped by region (names only, as published)."""
    groups: dict[str, list[str]] = {}
    members = task.team.select_related("expert__region").order_by("expert__region__code", "pk")
    for member in members:
        groups.setdefault(member.expert.region.name_zh, []).append(member.expert.name)
    return list(groups.items())


def result_rows(filters: ResultFilters | None = None) -> list[dict[str, Any]]:
    """Open data: one row per published result version (latest first), filtered."""
    rows: list[dict[str, Any]] = []
    results: QuerySet[TaskResult] = supervision.published_results()
    if filters is not None:
        results = filters.apply(results)
    for result in results:
        task = result.task
        published = result.published_at.date() if result.published_at else None
        notice_end = notice_period(published)[1].isoformat() if published else ""
        rows.append(
            {
                "batch": task.batch.code,
                "plan": task.batch.plan.title,
                "target_code": task.target_code,
                "target_name": task.target_name,
                "region": task.region.code,
                "items": task.items,
                "result": result.result,
                "result_label": str(result.get_result_display()),
                "findings": result.findings,
                "checked_on": result.checked_on.isoformat(),
                "version": result.version,
                "correction_reason": result.correction_reason,
                "published_at": result.published_at.isoformat() if result.published_at else "",
                "notice_until": notice_end,
                "id": result.pk,
                "url": reverse("disclosure-result", args=[result.pk]),
            }
        )
    return rows


def sees_every_region(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.NATIONAL_OBSERVER)


def may_open_dashboard_region(user: Any) -> bool:
    """The rule of access_dashboard_region for the user's default region, for links."""
    own = region_id_of_user(user) if has_role(user, Role.REGULATOR) else None
    return sees_every_region(user) or own is not None


def access_dashboard_region(user: Any, code: str) -> Region:
    """The region whose detail ``user`` may open: a regulator their own; observers any.

    ``code`` empty means the user's own region (observers without a region: the first).
    """
    own = region_id_of_user(user) if has_role(user, Role.REGULATOR) else None
    if not sees_every_region(user) and own is None:
        raise PermissionDenied(_("只有地区监管人员和国家观察员可以查看地区监管数据"))
    regions = Region.objects.filter(is_active=True).order_by("code")
    found = get_object_or_404(regions, code=code) if code else None
    region = found or (regions.filter(pk=own).first() if own else regions.first())
    if region is None:
        raise PermissionDenied(_("没有可查看的地区"))
    if not sees_every_region(user) and region.pk != own:
        raise PermissionDenied(_("地区监管人员只能查看本地区的监管数据"))
    return region
