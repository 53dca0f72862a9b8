"""A relation followed lazily (``task.batch``, ``batch.draw``, …) loads the batch or draw
without its frozen files or manifest; they are still read when used (supervision/deferred.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ticcoop.supervision import services
from ticcoop.supervision.models import Batch, Ceremony, Draw, ResultKind, Task, TaskResult
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db

LARGE = re.compile(r"targets_csv|inspectors_csv|\"manifest\"")


@pytest.fixture
def regulators() -> dict[str, Any]:
    f.population()
    return {"11": factories.regulator("11"), "12": factories.regulator("12")}


def _large_reads(action: Callable[[], object]) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        action()
    assert len(queries) > 0  # the relation was loaded here, not found cached
    return [q["sql"] for q in queries if LARGE.search(q["sql"])]


def test_following_a_relation_leaves_the_large_columns(regulators: dict[str, Any]) -> None:
    batch = f.drawn_batch(regulators)
    redraw = services.request_redraw(regulators["11"], batch, "抽取对象名录有误")
    task = batch.tasks.first()
    assert task is not None
    draw = Draw.objects.get(batch=batch)
    followed = {
        "task.batch": lambda: Task.objects.get(pk=task.pk).batch,
        "ceremony.batch": lambda: Ceremony.objects.get(pk=draw.ceremony_id).batch,
        "draw.batch": lambda: Draw.objects.get(pk=draw.pk).batch,
        "batch.draw": lambda: Batch.objects.get(pk=batch.pk).draw,
        "ceremony.draw": lambda: Ceremony.objects.get(pk=draw.ceremony_id).draw,
        "batch.redraw_of": lambda: Batch.objects.get(pk=redraw.pk).redraw_of,
        "batch.redrawn_by": lambda: Batch.objects.get(pk=batch.pk).redrawn_by,
        "prefetch task.batch": lambda: list(Task.objects.prefetch_related("batch")),
    }
    for name, follow in followed.items():
        assert _large_reads(follow) == [], name
    # deferred, not lost: read on use through the same relations
    assert bytes(Task.objects.get(pk=task.pk).batch.targets_csv).startswith(b"id,")
    manifest = json.loads(bytes(Batch.objects.get(pk=batch.pk).draw.manifest))
    assert manifest["snapshot"]["sha256"] == batch.snapshot_sha256


def test_recording_and_publishing_a_result_never_loads_the_batch_files(
    regulators: dict[str, Any],
) -> None:
    """Publishing one result read the batch (targets.csv included: hundreds of MB for a
    province) through ``task.batch`` for the risk-class reason."""
    batch = f.drawn_batch(regulators)
    task = batch.tasks.filter(region__code="11").first()
    assert task is not None
    beijing = Client()
    beijing.force_login(regulators["11"])
    body = {"result": ResultKind.NO_PROBLEM, "checked_on": timezone.localdate().isoformat()}
    url = f"/supervision/tasks/{task.pk}/result/"
    assert _large_reads(lambda: beijing.post(url, body)) == []
    result = TaskResult.objects.get(task=task)
    publish = f"/supervision/results/{result.pk}/publish/"
    assert _large_reads(lambda: beijing.post(publish)) == []
    result.refresh_from_db()
    assert result.published_at is not None
