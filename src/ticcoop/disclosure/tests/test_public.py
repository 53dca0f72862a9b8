"""The public portal: draw notice, downloads that verify, open data, Atom feed, API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ticcoop.methods.manifest_verify import verify_manifest
from ticcoop.methods.signing import PublicKeySet
from ticcoop.supervision import services
from ticcoop.supervision.models import ResultKind
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn() -> Any:
    f.population()
    regulators = {"11": factories.regulator("11"), "12": factories.regulator("12")}
    batch = f.drawn_batch(regulators)
    task = batch.tasks.first()
    result = services.record_result(
        regulators[task.region.code],
        task,
        result=ResultKind.RECTIFY,
        checked_on=timezone.localdate(),
        findings="原始记录不完整",
    )
    services.publish_result(regulators[task.region.code], result)
    return batch


def test_draw_notice_downloads_verify(client: Client, drawn: Any) -> None:
    page = client.get(reverse("disclosure-draw", args=[drawn.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert drawn.snapshot_sha256 in html and drawn.draw.ceremony.seed in html
    files = {
        name: client.get(reverse("disclosure-draw-file", args=[drawn.pk, name])).content
        for name in ("manifest.json", "targets.csv", "inspectors.csv")
    }
    keys = PublicKeySet.from_json(client.get("/api/trust/keys").content)
    assert (
        verify_manifest(files["manifest.json"], files["targets.csv"], files["inspectors.csv"], keys)
        == []
    )
    assert (
        client.get(reverse("disclosure-draw-file", args=[drawn.pk, "other.txt"])).status_code == 404
    )


def test_open_batch_is_not_public(client: Client) -> None:
    regulator = factories.regulator("11")
    batch = services.create_batch(regulator, f.plan(("11",)))
    assert client.get(reverse("disclosure-draw", args=[batch.pk])).status_code == 404


def test_results_open_data_and_feed(client: Client, drawn: Any) -> None:
    rows = client.get(reverse("disclosure-results-data", args=["json"])).json()["results"]
    assert [r["result"] for r in rows] == ["rectify"] and rows[0]["findings"] == "原始记录不完整"
    body = client.get(reverse("disclosure-results-data", args=["csv"])).content
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel (issue 13)
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("batch,plan,target_code") and "rectify" in text
    assert "原始记录不完整" in client.get(reverse("disclosure-results")).content.decode()
    feed = client.get(reverse("disclosure-feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "抽取结果公示" in body and "检查结果公示" in body and drawn.snapshot_sha256 in body


def test_public_api_lists_draws_and_results(client: Client, drawn: Any) -> None:
    draws = client.get("/api/public/draws").json()
    assert (
        draws[0]["code"] == drawn.code and draws[0]["manifest_sha256"] == drawn.draw.manifest_sha256
    )
    assert client.get(draws[0]["manifest_url"]).content == bytes(drawn.draw.manifest)
    assert client.get("/api/public/results").json()[0]["result_label"] == "发现问题已责令整改"


def test_item_and_plan_lists(client: Client) -> None:
    item = f.item("12", name="检验检测报告真实性检查")
    f.item("12", name="未公示事项", published_at=None)
    f.plan(("12",), items=[item], title="天津年度计划")
    html = client.get(reverse("disclosure-items")).content.decode()
    assert "检验检测报告真实性检查" in html and "未公示事项" not in html
    assert "天津年度计划" in client.get(reverse("disclosure-plans")).content.decode()


def test_the_draw_notice_shows_what_a_replacement_stands_in_for() -> None:
    f.population()
    regulators = {"11": factories.regulator("11"), "12": factories.regulator("12")}
    batch = f.drawn_batch(regulators)
    voided = batch.tasks.filter(region__code="11", replaces__isnull=True).first()
    assert voided is not None
    (replacement,) = services.replace_target(regulators["11"], voided, "未找到检查对象")
    page = Client().get(f"/public/draws/{batch.pk}/").content.decode()
    assert f"递补第 1 号：替代 {voided.target_code}（未找到检查对象）" in page
    assert f"/api/supervision/batches/{batch.pk}/replacements" in page
    assert replacement.target_code in page
