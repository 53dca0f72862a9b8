from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from ticcoop.inspections.metrics import compute
from ticcoop.inspections.models import (
    ActionItem,
    ActionPlan,
    CampaignTarget,
    JointTask,
    JointTaskStatus,
    Milestone,
    PlanArea,
)
from ticcoop.inspections.progress import item_progress
from ticcoop.inspections.services.campaigns import record_inspection
from ticcoop.inspections.services.plan import complete_milestone, save_action_item
from ticcoop.inspections.tests import factories as f
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def _plan(regulator: Any) -> ActionPlan:
    return ActionPlan.objects.create(
        year=2025, title="2025年行动计划", convener=factories.region("11")
    )


def _item(plan: ActionPlan, metric: str, number: int = 1, **fields: Any) -> ActionItem:
    values: dict[str, Any] = {
        "plan": plan,
        "number": number,
        "title": f"任务{number}",
        "area": PlanArea.CROSS_INSPECTION,
        "lead_region": factories.region("11"),
        "deadline": date(2025, 12, 31),
        "metric": metric,
    }
    values.update(fields)
    return ActionItem.objects.create(**values)


def test_cross_inspection_progress_comes_from_the_records() -> None:
    f.populate(per_region=1)
    organiser = factories.regulator("11")
    campaign = f.running_campaign(organiser, regions=["11", "12"], no_mutual=False)
    item = _item(_plan(organiser), "cross_targets_inspected")
    assert compute("cross_targets_inspected", 2025).value == 0.0
    target = CampaignTarget.objects.get(pair__inspecting__code="11")
    record_inspection(organiser, target, inspected_on=date(2025, 6, 2), summary="")
    progress = item_progress(item, today=date(2025, 7, 1))
    assert (progress.value.numerator, progress.value.denominator) == (1, 2)
    assert progress.percent == 50 and not progress.done and not progress.overdue
    assert item_progress(item, today=date(2026, 1, 5)).overdue
    assert compute("cross_campaigns_closed", 2025).numerator == 0
    assert campaign.year == 2025


def test_joint_task_ratio_and_unavailable_foreign_metrics() -> None:
    lead = factories.regulator("11")
    for status in (JointTaskStatus.CLOSED, JointTaskStatus.IN_PROGRESS):
        JointTask.objects.create(
            year=2025,
            title="t",
            kind="other",
            lead_region=factories.region("11"),
            scope="s",
            planned_start=date(2025, 1, 1),
            planned_end=date(2025, 2, 1),
            status=status,
            created_by=lead,
        )
    value = compute("joint_tasks_closed", 2025)
    assert value.value == 0.5
    assert compute("no-such-metric", 2025).available is False


def test_count_metrics_need_a_target_and_milestones_drive_unmeasured_items() -> None:
    regulator = factories.regulator("11")
    plan = _plan(regulator)
    with pytest.raises(ValidationError, match="目标值"):
        save_action_item(
            regulator,
            ActionItem(
                plan=plan,
                number=9,
                title="x",
                area=PlanArea.PT,
                lead_region=factories.region("11"),
                deadline=date(2025, 12, 1),
                metric="certificates_issued",
            ),
        )
    with pytest.raises(ValidationError, match="未知的进度指标"):
        save_action_item(
            regulator,
            ActionItem(
                plan=plan,
                number=9,
                title="x",
                area=PlanArea.PT,
                lead_region=factories.region("11"),
                deadline=date(2025, 12, 1),
                metric="typed-in",
            ),
        )
    item = _item(plan, "", area=PlanArea.COMPETITION)
    first = Milestone.objects.create(item=item, title="发布方案", due=date(2025, 3, 1))
    Milestone.objects.create(item=item, title="决赛", due=date(2025, 10, 1))
    other = factories.regulator("13")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        complete_milestone(other, first)
    complete_milestone(regulator, first, date(2025, 2, 20))
    progress = item_progress(item, today=date(2025, 11, 1))
    assert progress.percent == 50
    assert [m.title for m in progress.overdue_milestones] == ["决赛"]


def test_plan_page_lists_progress_and_overdue_items() -> None:
    regulator = factories.regulator("11")
    plan = _plan(regulator)
    _item(
        plan,
        "joint_tasks_closed",
        title="跨区域联合检查",
        deadline=timezone.localdate() - timedelta(days=1),
    )
    JointTask.objects.create(
        year=2025,
        title="t",
        kind="other",
        lead_region=factories.region("11"),
        scope="s",
        planned_start=date(2025, 1, 1),
        planned_end=date(2025, 2, 1),
        status=JointTaskStatus.CLOSED,
        created_by=regulator,
    )
    page = Client().get("/inspections/plan/2025/").content.decode()
    assert "跨区域联合检查" in page and "100%" in page
    assert 'id="overdue"' not in page  # done items are not overdue
    api = Client().get("/api/inspections/plans/2025").json()
    assert api["items"][0]["progress"] == 1.0 and api["items"][0]["done"]


def test_foreign_metrics_are_guarded_lookups() -> None:
    from ticcoop.inspections.metrics import _foreign_count

    missing = _foreign_count("proficiency", ["NoSuchModel"], [{"year": 2025}])
    assert not missing.available and "尚未上线" in missing.detail
    bad_field = _foreign_count("inspections", ["Campaign"], [{"no_such_field": 1}])
    assert not bad_field.available and "缺少所需字段" in bad_field.detail
    counted = _foreign_count("inspections", ["Campaign"], [{"no_such_field": 1}, {"year": 2025}])
    assert counted.available and counted.value == 0
    assert compute("pt_rounds_completed", 2025).available  # the PT app exists in this tree
