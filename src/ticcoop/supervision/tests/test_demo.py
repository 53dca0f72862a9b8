"""The demo's joint batch has a 递补 on the public replacement log, re-checkable from the
published files."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from ticcoop.methods.replacements import check_log
from ticcoop.supervision.demo import REPLACEMENT_REASON
from ticcoop.supervision.models import Batch, Task, TaskStatus

pytestmark = pytest.mark.django_db


def test_demo_joint_batch_shows_a_replacement_on_the_public_log() -> None:
    call_command("demo_data", institutions=60, seed=5, verbosity=0)
    batch = Batch.objects.get(plan__title="京津冀检验检测机构联合双随机抽查")
    log = Client().get(f"/api/supervision/batches/{batch.pk}/replacements").json()
    assert [entry["reason"] for entry in log] == [REPLACEMENT_REASON]
    voided = Task.objects.get(batch=batch, target_code=log[0]["voided"])
    assert voided.status == TaskStatus.REPLACED
    manifest = json.loads(bytes(batch.draw.manifest))
    files = (bytes(batch.targets_csv), bytes(batch.inspectors_csv))
    assert check_log(manifest, *files, log) == []
