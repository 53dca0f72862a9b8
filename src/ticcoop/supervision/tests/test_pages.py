"""The workbench pages: plans, every ceremony step, tasks, results, overdue, inspectors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ticcoop.accounts.roles import Role
from ticcoop.methods.seed import commit_for
from ticcoop.supervision import services
from ticcoop.supervision.models import (
    Batch,
    BatchStatus,
    Ceremony,
    CeremonyStatus,
    EvidenceFile,
    InspectorAvailability,
    ResultKind,
    Task,
    TaskResult,
    TaskStatus,
)
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories
from ticcoop.testing.downloads import assert_downloads

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def regulators() -> dict[str, Any]:
    f.population()
    return {"11": factories.regulator("11"), "12": factories.regulator("12")}


def test_plans_are_scoped_to_the_region_and_searchable(regulators: dict[str, Any]) -> None:
    joint = f.plan(("11", "12"), title="京津联合计划")
    own = f.plan(("12",), title="天津自查计划")
    foreign = f.plan(("13",), title="河北计划")
    tj = _client(regulators["12"])
    listing = tj.get("/supervision/plans/").content.decode()
    assert joint.title in listing and own.title in listing and foreign.title not in listing
    found = tj.get("/supervision/plans/", {"q": "自查"}).content.decode()
    assert own.title in found and joint.title not in found
    assert tj.get(f"/supervision/plans/{foreign.pk}/").status_code == 403
    assert "开始本期抽查批次" not in tj.get(f"/supervision/plans/{joint.pk}/").content.decode()
    lab = _client(factories.user(Role.INSTITUTION_USER, "11"))
    assert lab.get("/supervision/").status_code == 403
    assert "监管工作台" not in lab.get("/").content.decode()
    assert "监管工作台" in tj.get("/").content.decode()
    assert Client().get("/supervision/plans/").status_code == 302  # to the login page


def test_ceremony_steps_through_the_pages(regulators: dict[str, Any]) -> None:
    bj, tj = _client(regulators["11"]), _client(regulators["12"])
    plan = f.plan(("11", "12"))
    assert tj.post(f"/supervision/plans/{plan.pk}/batches/").status_code == 403
    bj.post(f"/supervision/plans/{plan.pk}/batches/")
    batch = Batch.objects.get(plan=plan)
    assert tj.post(f"/supervision/batches/{batch.pk}/freeze/").status_code == 403
    response = bj.post(
        f"/supervision/batches/{batch.pk}/freeze/",
        {"public_value_source": "现场掷骰子", "commit_hours": 24, "reveal_hours": 24},
        follow=True,
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FROZEN
    assert f'id="snapshot-sha256">{batch.snapshot_sha256}<' in response.content.decode()
    ceremony = Ceremony.objects.get(batch=batch)
    page = bj.get(f"/supervision/ceremonies/{ceremony.pk}/commit/").content.decode()
    # The commitment is computed in the browser by a static file (strict CSP: no inline script).
    assert 'src="/static/supervision/commit.js"' in page and 'name="commit"' in page
    script = Path(str(finders.find("supervision/commit.js"))).read_text(encoding="utf-8")
    assert "crypto.subtle.digest" in script
    assert 'id="secret"' in page and not re.search(r'<input[^>]*id="secret"[^>]*name=', page)
    assert (
        bj.post(f"/supervision/ceremonies/{ceremony.pk}/commit/", {"commit": "xyz"}).status_code
        == 200
    )
    for client, code in ((bj, "11"), (tj, "12")):
        commit = commit_for(ceremony.label, code, f.REVEALS[code])
        response = client.post(f"/supervision/ceremonies/{ceremony.pk}/commit/", {"commit": commit})
        assert response.status_code == 302
    ceremony.refresh_from_db()
    assert ceremony.status == CeremonyStatus.REVEALING
    detail = bj.get(f"/supervision/batches/{batch.pk}/").content.decode()
    assert "public-value-link" in detail and "reveal-link" not in detail
    url = f"/supervision/ceremonies/{ceremony.pk}/public-value/"
    assert tj.post(url, {"value": "3 5 6"}).status_code == 403
    assert bj.post(url, {"value": "3 5 6"}).status_code == 302
    bad = tj.post(
        f"/supervision/ceremonies/{ceremony.pk}/reveal/", {"reveal": "wrong-secret-000000"}
    )
    assert "不符" in bad.content.decode()
    for client, code in ((bj, "11"), (tj, "12")):
        client.post(f"/supervision/ceremonies/{ceremony.pk}/reveal/", {"reveal": f.REVEALS[code]})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAWN
    detail = tj.get(f"/supervision/batches/{batch.pk}/").content.decode()
    assert f'href="/public/draws/{batch.pk}/"' in detail
    result = tj.get(f"/supervision/batches/{batch.pk}/tasks/").content.decode()
    for task in batch.tasks.prefetch_related("team__expert"):
        assert task.target_name in result
        assert all(m.expert.name in result for m in task.team.all())


def test_failed_ceremony_is_restarted_from_the_batch_page(regulators: dict[str, Any]) -> None:
    batch = services.create_batch(regulators["11"], f.plan(("11", "12")))
    ceremony = services.freeze_snapshot(regulators["11"], batch)
    services.expire_ceremonies(ceremony.commit_deadline + timezone.timedelta(minutes=1))
    bj = _client(regulators["11"])
    assert "重新开始摇号仪式" in bj.get(f"/supervision/batches/{batch.pk}/").content.decode()
    bj.post(f"/supervision/batches/{batch.pk}/restart/")
    assert batch.ceremonies.count() == 2


def test_results_evidence_publication_and_overdue(
    regulators: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    batch = f.drawn_batch(regulators)
    task = batch.tasks.filter(region__code="11").first()
    assert task is not None
    bj, tj = _client(regulators["11"]), _client(regulators["12"])
    today = timezone.localdate()
    body = {"result": ResultKind.RECTIFY, "checked_on": today.isoformat(), "findings": "记录不全"}
    assert tj.post(f"/supervision/tasks/{task.pk}/result/", body).status_code == 403
    future = {**body, "checked_on": (today + timezone.timedelta(days=3)).isoformat()}
    assert (
        "不能晚于今天" in bj.post(f"/supervision/tasks/{task.pk}/result/", future).content.decode()
    )
    assert bj.post(f"/supervision/tasks/{task.pk}/result/", body).status_code == 302
    upload = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff\xe0jpeg-bytes")
    bj.post(f"/supervision/tasks/{task.pk}/evidence/", {"file": upload})
    page = bj.get(f"/supervision/tasks/{task.pk}/").content.decode()
    assert "现场照片.jpg" in page and "发现问题已责令整改" in page
    result = TaskResult.objects.get(task=task)
    TaskResult.objects.filter(pk=result.pk).update(
        publication_deadline=today - timezone.timedelta(days=1)
    )
    assert task.target_name in bj.get("/supervision/overdue/").content.decode()
    assert task.target_name not in tj.get("/supervision/overdue/").content.decode()
    bj.post(f"/supervision/results/{result.pk}/publish/")
    result.refresh_from_db()
    task.refresh_from_db()
    assert result.published_at is not None and task.status == TaskStatus.DONE
    assert task.target_name not in bj.get("/supervision/overdue/").content.decode()


def test_evidence_downloads_for_readers_only_with_its_digest(
    regulators: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    content = b"<html><script>alert(1)</script></html>"
    batch = f.drawn_batch(regulators)
    task = batch.tasks.filter(region__code="11", status=TaskStatus.ASSIGNED).first()
    assert task is not None
    member = task.team.select_related("expert").first()
    assert member is not None
    member.expert.user = factories.user(Role.INSPECTOR, "11")
    member.expert.save()
    bj = _client(regulators["11"])
    upload = SimpleUploadedFile("现场照片.txt", content, content_type="text/html")
    bj.post(f"/supervision/tasks/{task.pk}/evidence/", {"file": upload})
    url = f"/supervision/evidence/{EvidenceFile.objects.get(task=task).pk}/"
    inspector = _client(member.expert.user)
    assert url in inspector.get(f"/supervision/tasks/{task.pk}/").content.decode()
    for reader in (bj, inspector, _client(factories.user(Role.NATIONAL_OBSERVER))):
        assert_downloads(reader, url, content)
    assert _client(regulators["12"]).get(url).status_code == 403  # as for the task itself
    assert Client().get(url).status_code == 302  # to the login page


def test_inspectors_see_their_own_tasks(regulators: dict[str, Any]) -> None:
    batch = f.drawn_batch(regulators)
    task = batch.tasks.filter(status=TaskStatus.ASSIGNED).first()
    assert task is not None
    member = task.team.select_related("expert").first()
    assert member is not None
    login = factories.user(Role.INSPECTOR, member.expert.region.code)
    member.expert.user = login
    member.expert.save()
    client = _client(login)
    listing = client.get("/supervision/tasks/").content.decode()
    assert '<a href="/supervision/">监管工作台</a>' in listing  # the nav link
    for each in batch.tasks.prefetch_related("team"):
        serves = member.expert_id in {m.expert_id for m in each.team.all()}
        assert (each.target_name in listing) == serves
        status = client.get(f"/supervision/tasks/{each.pk}/").status_code
        assert status == (200 if serves else 403)
    page = client.get(f"/supervision/tasks/{task.pk}/").content.decode()
    assert "录入检查结果" not in page  # results are entered by the responsible regulator
    stranger = factories.user(Role.INSPECTOR, "13")
    outsider = f.inspector("13")
    outsider.user = stranger
    outsider.save()
    assert _client(stranger).get(f"/supervision/tasks/{task.pk}/").status_code == 403


def test_inspector_directory_search_and_own_region_edits(regulators: dict[str, Any]) -> None:
    hebei = f.inspector("13", name="赵检查", specialties="电气安全;计量")
    beijing = f.inspector("11", name="钱检查", specialties="食品检测")
    bj = _client(regulators["11"])
    found = bj.get("/supervision/inspectors/", {"specialty": "计量"}).content.decode()
    assert "赵检查" in found and "钱检查" not in found
    by_region = bj.get("/supervision/inspectors/", {"region": "11", "q": "钱"}).content.decode()
    assert "钱检查" in by_region and "赵检查" not in by_region
    assert f"/supervision/inspectors/{beijing.pk}/edit/" in by_region
    assert bj.get(f"/supervision/inspectors/{hebei.pk}/edit/").status_code == 403
    url = f"/supervision/inspectors/{beijing.pk}/edit/"
    assert bj.post(url, {"capacity": 99}).status_code == 200  # over the maximum: form error
    response = bj.post(url, {"capacity": 5, "note": "年休假", "available": ""})
    assert response.status_code == 302
    record = InspectorAvailability.objects.get(expert=beijing)
    assert (record.capacity, record.available, record.note) == (5, False, "年休假")
    assert "年休假" in bj.get("/supervision/inspectors/", {"q": "钱"}).content.decode()


def test_admin_action_replaces_a_task(regulators: dict[str, Any]) -> None:
    batch = f.drawn_batch(regulators)
    task = batch.tasks.filter(region__code="11").first()
    assert task is not None
    user = regulators["11"]
    user.is_staff = True
    user.save()
    response = _client(user).post(
        "/admin/supervision/task/",
        {"action": "replace_not_found", "_selected_action": [task.pk]},
    )
    assert response.status_code == 302
    new = Task.objects.get(replaces=task)
    assert new.replacement_reason == "未找到检查对象"


def test_workbench_lists_batches_waiting_for_the_freeze_or_the_draw(
    regulators: dict[str, Any],
) -> None:
    """The regulator's /supervision/ names its pending batches (issue 13)."""
    plan = f.plan(("11", "12"), title="京津待抽取计划")
    batch = services.create_batch(regulators["11"], plan)
    for region in ("11", "12"):
        client = Client()
        client.force_login(regulators[region])
        page = client.get("/supervision/").content.decode()
        assert f"/supervision/batches/{batch.pk}/" in page and "京津待抽取计划" in page
    outsider = Client()
    outsider.force_login(factories.regulator("13"))
    assert "京津待抽取计划" not in outsider.get("/supervision/").content.decode()


def test_listing_pages_never_load_a_batchs_files_or_a_draws_manifest(
    regulators: dict[str, Any],
) -> None:
    """targets.csv holds every target (tens of MB for a million): a page listing tasks or
    results loaded it once per row through select_related before the files were deferred."""
    batch = f.drawn_batch(regulators)
    task = batch.tasks.filter(region__code="11").first()
    assert task is not None
    bj = _client(regulators["11"])
    body = {"result": ResultKind.NO_PROBLEM, "checked_on": timezone.localdate().isoformat()}
    bj.post(f"/supervision/tasks/{task.pk}/result/", body)
    result = TaskResult.objects.get(task=task)
    bj.post(f"/supervision/results/{result.pk}/publish/")
    pages = [
        (bj, "/supervision/tasks/"),
        (bj, f"/supervision/tasks/{task.pk}/"),
        (bj, "/supervision/overdue/"),
        (bj, f"/supervision/plans/{batch.plan_id}/"),
        (bj, f"/supervision/batches/{batch.pk}/"),
        (bj, "/workbench/"),
        (Client(), "/public/draws/"),
        (Client(), f"/public/draws/{batch.pk}/"),
        (Client(), f"/api/public/draws/{batch.pk}"),
        (Client(), "/public/results/"),
        (Client(), f"/public/results/{result.pk}/"),
    ]
    for client, url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        loaded = [
            q["sql"]
            for q in queries
            if re.search(r"targets_csv|inspectors_csv|manifest\"", q["sql"])
        ]
        assert loaded == [], url
    assert bytes(Batch.objects.get(pk=batch.pk).targets_csv).startswith(b"id,")  # read on use
