"""The input snapshot of a batch: targets.csv, inspectors.csv and the rates (reads only).

Formats: docs/methods/manifest.md.  Targets are the registry's institutions (object type
``检验检测机构``) and the imported target directory, one row per (target, item) of the plan's
items in the plan's regions.  A row is *excluded* (listed, but not drawn) when the target is
not operating or was already drawn for the same item in the no-repeat window (any plan).
Inspectors are the registry's experts with ``is_inspector`` of the participating regions
and those of other regions available for cross-region duty (``cross_region``);
an unavailable inspector is listed with capacity 0, and every capacity is what is left
after the other batches of the same period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.methods.manifest import DrawParameters
from ticcoop.methods.manifest_files import TargetRow, read_inspectors_csv
from ticcoop.methods.strata import StratumKey
from ticcoop.methods.team_rules import Inspector
from ticcoop.registry.models import Expert, Institution, InstitutionStatus
from ticcoop.supervision.models import (
    Batch,
    BatchStatus,
    InspectionItem,
    Target,
    TargetStatus,
    Task,
    TaskMember,
    TaskStatus,
)

INSTITUTION_TYPE = "检验检测机构"
DEFAULT_CAPACITY = 3


def inspector_id(expert_pk: int) -> str:
    return f"INS-{expert_pk:06d}"


def expert_pk_of(inspector: str) -> int:
    return int(inspector.removeprefix("INS-"))


def _already_drawn(batch: Batch) -> dict[tuple[str, str], str]:
    """(target code, item) → "batch code（period）" of its earlier live task in the window.

    Every plan counts — joint and single-region batches see each other's draws — because
    同一市场主体一年内原则上不重复抽查.  The window is the plan's calendar year, or the last
    ``TICCOOP_SUPERVISION_NO_REPEAT_DAYS`` days when that setting is a number.
    """
    tasks = Task.objects.exclude(batch=batch).exclude(status=TaskStatus.SUPERSEDED)
    days = getattr(settings, "TICCOOP_SUPERVISION_NO_REPEAT_DAYS", None)
    if days is None:
        tasks = tasks.filter(batch__plan__year=batch.plan.year)
    else:
        since = timezone.now() - timedelta(days=int(days))
        tasks = tasks.filter(batch__draw__published_at__gte=since)
    found: dict[tuple[str, str], str] = {}
    rows = tasks.order_by("batch__pk").values_list(
        "target_code", "items", "batch__pk", "batch__plan__year", "batch__period"
    )
    for code, items, pk, year, period in rows:
        for item in items.split(";"):
            found.setdefault((code, item), f"SUP-{year}-{pk:05d}（{period}）")
    return found


def target_rows(batch: Batch) -> Iterator[TargetRow]:
    plan = batch.plan
    regions = dict(plan.regions.values_list("pk", "code"))
    drawn = _already_drawn(batch)
    for item in plan.items.order_by("number"):
        for row in _rows_for_item(item, regions):
            earlier = drawn.get((row.id, row.item))
            if not row.excluded and earlier:
                reason = _("同一事项已于%(batch)s抽中，本期不重复抽查") % {"batch": earlier}
                yield _exclude(row, reason)
            else:
                yield row


def _exclude(row: TargetRow, reason: str) -> TargetRow:
    return TargetRow(
        row.id,
        row.name,
        row.region,
        row.risk_class,
        row.item,
        row.entity_type,
        row.size,
        row.sector,
        row.area,
        row.institutions,
        row.ties,
        reason,
    )


def _rows_for_item(item: InspectionItem, regions: dict[int, str]) -> Iterator[TargetRow]:
    if item.object_type == INSTITUTION_TYPE:
        institutions = Institution.objects.filter(region_id__in=regions).values_list(
            "credit_code", "name", "region_id", "risk_class", "status"
        )
        labels = dict(InstitutionStatus.choices)
        for code, name, region_id, risk, status in institutions.iterator(chunk_size=5000):
            excluded = "" if status == InstitutionStatus.OPERATING else str(labels[status])
            yield TargetRow(
                code,
                name,
                regions[region_id],
                risk,
                item.number,
                INSTITUTION_TYPE,
                institutions=frozenset({code}),
                excluded=excluded,
            )
        return
    targets = Target.objects.filter(region_id__in=regions, entity_type=item.object_type)
    fields = ("code", "name", "region_id", "risk_class", "size", "sector", "area", "related")
    for values in targets.values_list(*fields, "status").iterator(chunk_size=5000):
        code, name, region_id, risk, size, sector, area, related, status = values
        yield TargetRow(
            code,
            name,
            regions[region_id],
            risk,
            item.number,
            item.object_type,
            size,
            sector,
            area,
            frozenset({code, *filter(None, related.split(";"))}),
            frozenset(),
            "" if status == TargetStatus.ACTIVE else str(TargetStatus(status).label),
        )


def _recent_targets(batch: Batch) -> dict[int, set[str]]:
    """Expert pk → targets they inspected in the plan's last N drawn batches."""
    rounds = batch.plan.recusal_rounds
    recent: dict[int, set[str]] = defaultdict(set)
    if rounds == 0:
        return recent
    earlier = (
        Batch.objects.filter(plan=batch.plan, status=BatchStatus.DRAWN)
        .exclude(pk=batch.pk)
        .order_by("-draw__published_at")[:rounds]
    )
    tasks = Task.objects.filter(batch__in=list(earlier)).exclude(status=TaskStatus.SUPERSEDED)
    for expert_pk, code in tasks.values_list("team__expert_id", "target_code"):
        if expert_pk is not None:
            recent[expert_pk].add(code)
    return recent


def _concurrent_load(batch: Batch) -> dict[int, int]:
    """Expert pk → capacity already taken in the other batches of the same period.

    An inspector's cap is per period, not per batch: every live task of every other
    drawn batch of the period (any plan, joint or single-region) uses one unit of it, and
    a batch frozen but not yet drawn reserves the whole capacity its snapshot lists, since
    its draw may use all of it (the reservation ends when its draw is published).
    """
    members = (
        TaskMember.objects.filter(task__batch__period=batch.period)
        .exclude(task__batch=batch)
        .exclude(task__status=TaskStatus.SUPERSEDED)
        .values("expert_id")
        .annotate(n=Count("id"))
    )
    load = {row["expert_id"]: row["n"] for row in members}
    frozen = Batch.objects.filter(period=batch.period, status=BatchStatus.FROZEN).exclude(
        pk=batch.pk
    )
    for data in frozen.values_list("inspectors_csv", flat=True):
        for row in read_inspectors_csv(bytes(data)):
            pk = expert_pk_of(row.id)
            load[pk] = load.get(pk, 0) + row.capacity
    return load


def inspector_rows(batch: Batch) -> list[Inspector]:
    regions = batch.plan.regions.all()
    shared = Q(availability__cross_region=True, availability__available=True)
    experts = (
        Expert.objects.filter(Q(region__in=regions) | shared, is_inspector=True)
        .select_related("region", "employer", "availability")
        .prefetch_related("declared_ties")
    )
    recent = _recent_targets(batch)
    load = _concurrent_load(batch)
    rows = []
    for expert in experts:
        availability = getattr(expert, "availability", None)
        if availability is None:
            capacity = DEFAULT_CAPACITY
        else:
            capacity = availability.capacity if availability.available else 0
        capacity = max(0, capacity - load.get(expert.pk, 0))
        rows.append(
            Inspector(
                id=inspector_id(expert.pk),
                region=expert.region.code,
                employer=expert.employer.credit_code if expert.employer else expert.employer_name,
                capacity=capacity,
                ties=frozenset(i.credit_code for i in expert.declared_ties.all()),
                recent_targets=frozenset(recent.get(expert.pk, ())),
            )
        )
    return rows


def parameters(batch: Batch, rows: list[TargetRow]) -> DrawParameters:
    items = {item.number: item for item in batch.plan.items.all()}
    rates = {}
    for row in rows:
        key = StratumKey(row.region, row.risk_class, row.item)
        if key not in rates:
            rates[key] = items[row.item].rate_for(row.risk_class)
    plan = batch.plan
    return DrawParameters(
        rates=rates,
        replacements=plan.replacements,
        team_size=plan.team_size,
        region_rule=batch.region_rule,
    )
