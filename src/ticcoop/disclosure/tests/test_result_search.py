"""Public result search and filters: the page, a page per result, the API and CSV."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ticcoop.supervision import services
from ticcoop.supervision.models import ResultKind, TaskResult
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def published() -> list[TaskResult]:
    """Two published results of one drawn batch: different regions, outcomes and dates."""
    f.population()
    regulators = {"11": factories.regulator("11"), "12": factories.regulator("12")}
    batch = f.drawn_batch(regulators)
    today = timezone.localdate()
    results = []
    for code, outcome, days in (("11", ResultKind.FILED, 10), ("12", ResultKind.NO_PROBLEM, 0)):
        task = batch.tasks.filter(region__code=code).first()
        result = services.record_result(regulators[code], task, result=outcome, checked_on=today)
        services.publish_result(regulators[code], result)
        # Back-date the check (the service refuses dates before the draw, made today).
        TaskResult.objects.filter(pk=result.pk).update(checked_on=today - timedelta(days=days))
        results.append(TaskResult.objects.get(pk=result.pk))
    return results


def _codes(client: Client, **params: str) -> set[str]:
    rows = client.get("/api/public/results", params).json()
    return {row["target_code"] for row in rows}


def test_filters_through_the_api_and_csv(client: Client, published: list[TaskResult]) -> None:
    filed, clean = (r.task for r in published)
    assert _codes(client) == {filed.target_code, clean.target_code}
    assert _codes(client, region="11") == {filed.target_code}
    assert _codes(client, result="no_problem") == {clean.target_code}
    assert _codes(client, q=filed.target_name[-4:]) == {filed.target_code}
    assert _codes(client, q=clean.target_code) == {clean.target_code}
    assert _codes(client, item=filed.items.split(";")[0]) == {filed.target_code, clean.target_code}
    assert _codes(client, item="NO-SUCH") == set()
    assert _codes(client, batch=filed.batch.code) == {filed.target_code, clean.target_code}
    assert _codes(client, batch="SUP-1999-00001") == set()
    since = (timezone.localdate() - timedelta(days=3)).isoformat()
    assert _codes(client, **{"from": since}) == {clean.target_code}
    assert _codes(client, to=since) == {filed.target_code}
    bad = client.get("/api/public/results", {"from": "2026-13-01"})
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.json()["errors"]["from"][0]
    assert client.get("/api/public/results", {"batch": "x"}).status_code == 422
    csv = client.get(reverse("disclosure-results-data", args=["csv"]), {"region": "12"})
    text = csv.content.decode()
    assert clean.target_code in text and filed.target_code not in text
    bad_csv = client.get(reverse("disclosure-results-data", args=["csv"]), {"result": "maybe"})
    assert bad_csv.status_code == 400


def test_search_page_and_result_page(client: Client, published: list[TaskResult]) -> None:
    filed, clean = published
    html = client.get(reverse("disclosure-results"), {"region": "12"}).content.decode()
    assert clean.task.target_name in html and filed.task.target_name not in html
    error = client.get(reverse("disclosure-results"), {"to": "yesterday"})
    assert error.status_code == 200 and "YYYY-MM-DD" in error.content.decode()
    page = client.get(reverse("disclosure-result", args=[filed.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    names = [m.expert.name for m in filed.task.team.all()]
    assert names and all(name in text for name in names)
    assert "公示期" in text and filed.task.batch.code in text and "manifest.json" in text
    assert str(ResultKind.FILED.label) in text


def test_unpublished_result_has_no_public_page(client: Client, published: list[TaskResult]) -> None:
    task = published[0].task
    regulator = factories.regulator(task.region.code)
    draft = services.record_result(
        regulator,
        task,
        result=ResultKind.RECTIFY,
        checked_on=timezone.localdate(),
        correction_reason="复核后更正",
    )
    assert client.get(reverse("disclosure-result", args=[draft.pk])).status_code == 404
    assert client.get(reverse("disclosure-result", args=[published[0].pk])).status_code == 200
