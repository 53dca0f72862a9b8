"""Demo data: every task of every batch fully staffed, one refused freeze, one relaxation."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from ticcoop.supervision.demo import RELAXATION
from ticcoop.supervision.models import Batch, BatchStatus, TaskStatus

pytestmark = pytest.mark.django_db


def test_demo_batches_are_staffed_refused_or_relaxed() -> None:
    call_command("demo_data", institutions=60, seed=5, verbosity=0)
    drawn = Batch.objects.filter(status=BatchStatus.DRAWN)
    assert drawn.count() == 2
    for batch in drawn:
        live = batch.tasks.exclude(status__in=[TaskStatus.REPLACED, TaskStatus.SUPERSEDED])
        assert live.exists()
        assert not live.filter(status=TaskStatus.UNSTAFFED).exists()
        assert all(task.team.count() == batch.plan.team_size for task in live)
    refused = Batch.objects.get(plan__region__code="14", plan__title__contains="双随机抽查计划")
    assert refused.status == BatchStatus.OPEN
    assert "外地区检查人员名额" in refused.refusal
    relaxed = Batch.objects.get(plan__region__code="15", plan__title__contains="双随机抽查计划")
    assert relaxed.relaxation == RELAXATION
    manifest = json.loads(bytes(relaxed.draw.manifest))
    assert manifest["batch"]["relaxation"] == {"reason": RELAXATION, "region_rule": "any"}
    assert manifest["teams"]["rule"] == "any"
