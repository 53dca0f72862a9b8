"""The API drives the same ceremony (commit, reveal → draw) with region scoping."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from ticcoop.methods.seed import commit_for
from ticcoop.supervision.models import Batch, BatchStatus, Task
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_ceremony_through_the_api() -> None:
    f.population()
    bj, tj = _client(factories.regulator("11")), _client(factories.regulator("12"))
    plan = f.plan(("11", "12"))
    assert tj.post(f"/api/supervision/plans/{plan.pk}/batches").status_code == 403
    batch_id = bj.post(f"/api/supervision/plans/{plan.pk}/batches").json()["id"]
    ceremony = bj.post(f"/api/supervision/batches/{batch_id}/freeze").json()
    url = f"/api/supervision/ceremonies/{ceremony['id']}"
    for client, code in ((bj, "11"), (tj, "12")):
        commit = commit_for(ceremony["label"], code, f.REVEALS[code])
        response = client.post(f"{url}/commit", {"commit": commit}, content_type="application/json")
        assert response.status_code == 200
    assert (
        tj.post(
            f"{url}/reveal", {"reveal": "wrong-reveal-00000"}, content_type="application/json"
        ).status_code
        == 422
    )
    for client, code in ((bj, "11"), (tj, "12")):
        client.post(f"{url}/reveal", {"reveal": f.REVEALS[code]}, content_type="application/json")
    assert Batch.objects.get(pk=batch_id).status == BatchStatus.DRAWN
    tasks = Client().get(f"/api/supervision/batches/{batch_id}/tasks").json()
    task = tasks[0]
    owner = bj if Task.objects.get(pk=task["id"]).region.code == "11" else tj
    body = {"result": "no_problem", "checked_on": timezone.localdate().isoformat()}
    created = owner.post(
        f"/api/supervision/tasks/{task['id']}/results", body, content_type="application/json"
    )
    assert created.status_code == 201
    published = owner.post(f"/api/supervision/results/{created.json()['id']}/publish")
    assert published.json()["published_at"] is not None
