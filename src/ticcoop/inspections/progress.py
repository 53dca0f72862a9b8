"""Progress of the action plan's items: measured metric, milestones, overdue flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from ticcoop.inspections.metrics import METRICS, MetricValue, compute
from ticcoop.inspections.models import ActionItem, ActionPlan, Milestone


@dataclass
class ItemProgress:
    item: ActionItem
    metric_label: str
    value: MetricValue
    share: float | None  # progress in [0, 1]; None when not measurable
    milestones_done: int
    milestones_total: int
    overdue_milestones: list[Milestone] = field(default_factory=list)
    done: bool = False
    overdue: bool = False

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(self.share * 100)


def item_progress(item: ActionItem, today: date | None = None) -> ItemProgress:
    day = today or timezone.localdate()
    value = compute(item.metric, item.plan.year, day)
    metric = METRICS.get(item.metric)
    share: float | None = None
    if value.available and value.value is not None:
        if metric is not None and metric.kind == "count":
            share = min(1.0, value.value / item.target) if item.target else None
        else:
            share = value.value
    milestones = list(item.milestones.all())
    done_count = sum(1 for m in milestones if m.done_on is not None)
    if share is None and milestones:
        share = done_count / len(milestones)
    done = share is not None and share >= 1.0
    return ItemProgress(
        item=item,
        metric_label=str(metric.label) if metric else "",
        value=value,
        share=share,
        milestones_done=done_count,
        milestones_total=len(milestones),
        overdue_milestones=[m for m in milestones if m.done_on is None and m.due < day],
        done=done,
        overdue=not done and item.deadline < day,
    )


def plan_progress(plan: ActionPlan, today: date | None = None) -> list[ItemProgress]:
    items = plan.items.select_related("plan", "lead_region").prefetch_related(
        "co_owners", "milestones"
    )
    return [item_progress(item, today) for item in items]
