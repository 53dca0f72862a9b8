"""Issue 14: the freeze check, relaxation, no repeated inspection, shared capacity."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ticcoop.methods.manifest_files import read_inspectors_csv, read_targets_csv
from ticcoop.methods.manifest_verify import verify_manifest
from ticcoop.supervision import services
from ticcoop.supervision.models import (
    BatchStatus,
    InspectorAvailability,
    RegionRuleChoice,
    TaskStatus,
)
from ticcoop.supervision.snapshot import inspector_id
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories
from ticcoop.trust.queries import public_keyset

pytestmark = pytest.mark.django_db


def _beijing_only_batch() -> tuple[Any, Any]:
    """SUP-2026-00002's situation: a Beijing plan, 4 Beijing inspectors, none from outside."""
    for _ in range(10):
        factories.institution("11")
    for _ in range(4):
        f.inspector("11")
    regulator = factories.regulator("11")
    return regulator, services.create_batch(regulator, f.plan(("11",)))


def _draw(batch: Any, regulators: dict[str, Any]) -> None:
    ceremony = batch.ceremonies.get()
    f.committed(ceremony, regulators)
    for code, user in regulators.items():
        services.reveal_seed(user, ceremony, f.REVEALS[code])
    batch.refresh_from_db()


def test_reproduction_pool_without_outside_inspectors_is_refused_at_freeze() -> None:
    regulator, batch = _beijing_only_batch()
    # 10 class-B institutions at 0.1: 1 drawn + 2 replacements = 3 tasks, each needing one
    # outside inspector under "2 人，至少一名外地区人员".
    with pytest.raises(ValidationError) as caught:
        services.freeze_snapshot(regulator, batch)
    message = caught.value.message_dict["feasibility"][0]
    assert "北京市：需要至少 3 名外地区检查人员名额，现有 0 名" in message
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN and batch.snapshot_sha256 == ""
    assert batch.refusal == message and batch.refused_at is not None
    page = Client()
    page.force_login(regulator)
    html = page.get(reverse("supervision-batch-freeze", args=[batch.pk])).content.decode()
    assert "现有 0 名" in html and reverse("supervision-inspectors") in html

    # Two Tianjin inspectors offered for cross-region duty: the freeze now passes and the
    # draw staffs every task.
    for expert in (f.inspector("12"), f.inspector("12")):
        InspectorAvailability.objects.create(expert=expert, cross_region=True)
    services.freeze_snapshot(regulator, batch)
    _draw(batch, {"11": regulator})
    tasks = batch.tasks.all()
    assert tasks and not tasks.filter(status=TaskStatus.UNSTAFFED).exists()
    for task in tasks:
        regions = [m.expert.region.code for m in task.team.all()]
        assert len(regions) == 2 and "12" in regions


def test_relaxation_is_recorded_and_published() -> None:
    regulator, batch = _beijing_only_batch()
    with pytest.raises(ValidationError, match="须填写"):
        services.freeze_snapshot(regulator, batch, relaxed_rule=RegionRuleChoice.ANY)
    services.freeze_snapshot(
        regulator, batch, relaxation="本批次由本地区人员检查（局务会决定）", relaxed_rule="any"
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FROZEN and batch.relaxed_by == regulator
    assert json.loads(batch.feasibility)["feasible"] is True  # under the relaxed rule
    _draw(batch, {"11": regulator})
    manifest = json.loads(bytes(batch.draw.manifest))
    assert manifest["batch"]["relaxation"]["region_rule"] == "any"
    html = Client().get(reverse("disclosure-draw", args=[batch.pk])).content.decode()
    assert "局务会决定" in html and "公示期" in html


def test_reproduction_target_inspected_this_year_is_excluded_from_the_next_snapshot() -> None:
    f.population(("11", "12"), per_region=4)
    regulators = {"11": factories.regulator("11"), "12": factories.regulator("12")}
    item = f.item("11")
    joint = f.drawn_batch(regulators, f.plan(("11", "12"), items=[item]))
    inspected = set(joint.tasks.filter(region__code="11").values_list("target_code", flat=True))
    assert inspected
    for expert in (f.inspector("13"), f.inspector("13")):
        InspectorAvailability.objects.create(expert=expert, cross_region=True, capacity=10)
    own = services.create_batch(regulators["11"], f.plan(("11",), items=[item]))
    services.freeze_snapshot(regulators["11"], own)
    own.refresh_from_db()
    rows = {row.id: row for row in read_targets_csv(bytes(own.targets_csv))}
    for code in inspected:
        assert joint.code in rows[code].excluded and "不重复抽查" in rows[code].excluded
    _draw(own, {"11": regulators["11"]})
    assert not inspected & set(own.tasks.values_list("target_code", flat=True))
    files = bytes(own.targets_csv), bytes(own.inspectors_csv)
    assert verify_manifest(bytes(own.draw.manifest), *files, public_keyset()) == []


def test_capacity_is_shared_across_the_batches_of_the_period() -> None:
    f.population(("11", "12"), per_region=4)
    regulators = {"11": factories.regulator("11"), "12": factories.regulator("12")}
    first = f.drawn_batch(regulators, f.plan(("11", "12")))
    load: dict[int, int] = {}
    for task in first.tasks.all():
        for member in task.team.all():
            load[member.expert_id] = load.get(member.expert_id, 0) + 1
    assert load
    second = services.create_batch(regulators["11"], f.plan(("11", "12")))
    assert second.period == first.period
    with pytest.raises(ValidationError, match="检查人员名额"):
        services.freeze_snapshot(regulators["11"], second)  # the first batch used them up
    services.freeze_snapshot(regulators["11"], second, relaxation="测试：记录放宽决定")
    second.refresh_from_db()
    capacities = {i.id: i.capacity for i in read_inspectors_csv(bytes(second.inspectors_csv))}
    for expert_pk, used in load.items():
        assert capacities[inspector_id(expert_pk)] == max(0, 3 - used)


def test_a_frozen_batch_reserves_its_capacity_until_drawn() -> None:
    f.population(("11", "12"), per_region=4)
    regulators = {"11": factories.regulator("11"), "12": factories.regulator("12")}
    first = services.create_batch(regulators["11"], f.plan(("11", "12")))
    services.freeze_snapshot(regulators["11"], first)
    second = services.create_batch(regulators["11"], f.plan(("11", "12")))
    with pytest.raises(ValidationError, match="检查人员名额"):
        services.freeze_snapshot(regulators["11"], second)
    _draw(first, regulators)
    used = sum(task.team.count() for task in first.tasks.all())
    services.freeze_snapshot(regulators["11"], second, relaxation="测试：记录放宽决定")
    second.refresh_from_db()
    left = sum(i.capacity for i in read_inspectors_csv(bytes(second.inspectors_csv)))
    assert left == 4 * 3 - used


def test_bad_relaxation_input_changes_nothing() -> None:
    regulator, batch = _beijing_only_batch()
    with pytest.raises(ValidationError, match="最多 256"):
        services.freeze_snapshot(regulator, batch, relaxation="理" * 257)
    with pytest.raises(ValidationError, match="未知的检查组地区规则"):
        services.freeze_snapshot(regulator, batch, relaxation="理由", relaxed_rule="nobody")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN and batch.relaxation == ""
