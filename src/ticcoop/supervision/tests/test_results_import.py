"""Results (deadline, publication, corrections, risk rule, evidence) and the target import."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from ticcoop.jobs.models import Job
from ticcoop.methods.workdays import add_working_days
from ticcoop.registry.models import RiskClassChange
from ticcoop.supervision import services
from ticcoop.supervision.models import ResultKind, Target, TargetImport, TaskStatus
from ticcoop.supervision.queries import overdue_results
from ticcoop.supervision.reminders import remind_result_publication
from ticcoop.supervision.services.importing import TargetImportError
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def regulators() -> dict[str, Any]:
    f.population()
    return {"11": factories.regulator("11"), "12": factories.regulator("12")}


def test_result_deadline_publication_and_risk_rule(regulators: dict[str, Any]) -> None:
    batch = f.drawn_batch(regulators)
    task = batch.tasks.exclude(status=TaskStatus.SUPERSEDED).first()
    assert task is not None
    region = task.region.code
    other = "12" if region == "11" else "11"
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.record_result(regulators[other], task, result=ResultKind.FILED, checked_on=today)
    result = services.record_result(
        regulators[region],
        task,
        result=ResultKind.FILED,
        checked_on=today,
        findings="超范围出具报告",
    )
    assert result.publication_deadline == add_working_days(today, 20)
    services.publish_result(regulators[region], result)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.institution is not None and task.institution.risk_class == "D"
    assert RiskClassChange.objects.get(institution=task.institution).source == "supervision"
    with pytest.raises(ValidationError, match="更正"):
        services.record_result(
            regulators[region], task, result=ResultKind.NO_PROBLEM, checked_on=today
        )
    correction = services.record_result(
        regulators[region],
        task,
        result=ResultKind.NO_PROBLEM,
        checked_on=today,
        correction_reason="录入错误",
    )
    assert correction.version == 2 and task.results.count() == 2
    services.publish_result(regulators[region], correction)
    task.institution.refresh_from_db()
    assert task.institution.risk_class == "D"  # never lowered


def test_overdue_results_are_listed_for_their_region(regulators: dict[str, Any]) -> None:
    batch = f.drawn_batch(regulators)
    task = batch.tasks.first()
    assert task is not None
    user = regulators[task.region.code]
    services.record_result(
        user, task, result=ResultKind.NO_PROBLEM, checked_on=timezone.localdate()
    )
    late = add_working_days(timezone.localdate(), 21)
    assert [r.task for r in overdue_results(task.region_id, late)] == [task]
    assert list(overdue_results(task.region_id, timezone.localdate())) == []


def test_evidence_is_stored_with_its_hash(
    regulators: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    batch = f.drawn_batch(regulators)
    task = batch.tasks.first()
    assert task is not None
    photo = b"\xff\xd8\xff\xe0evidence"  # JPEG magic: evidence is checked by content
    record = services.add_evidence(
        regulators[task.region.code], task, "照片.jpg", io.BytesIO(photo)
    )
    assert record.sha256 == hashlib.sha256(photo).hexdigest()
    assert record.file.read() == photo


HEADER = "code,name,region,entity_type,risk_class,size,sector,area,related,status\n"


def test_import_is_atomic_with_precise_row_errors() -> None:
    rows = (
        HEADER
        + "T1,甲,11,食品生产企业,A,小型,食品,朝阳,,\n"
        + "T2,乙,19,食品生产企业,E,,,,,\nT1,丙,12,x,,,,,,\n"
    )
    with pytest.raises(TargetImportError) as error:
        services.import_targets(None, io.StringIO(rows), file_name="t.csv")
    assert error.value.messages == [
        "第 3 行 region：未知地区代码 '19'",
        "第 3 行 risk_class：应为 A、B、C、D 之一",
        "第 4 行 code：T1 与第 2 行重复",
    ]
    assert not Target.objects.exists() and not TargetImport.objects.exists()


def test_import_upserts_and_respects_region_scope() -> None:
    services.import_targets(
        None, io.StringIO(HEADER + "T1,甲,11,食品生产企业,,,,,,\n"), file_name="a"
    )
    services.import_targets(
        None, io.StringIO(HEADER + "T1,甲改,11,食品生产企业,C,,,,,closed\n"), file_name="b"
    )
    target = Target.objects.get(code="T1")
    assert (target.name, target.risk_class, target.status) == ("甲改", "C", "closed")
    with pytest.raises(TargetImportError, match="无权导入该地区"):
        services.import_targets(
            factories.regulator("12"), io.StringIO(HEADER + "T2,乙,11,x,,,,,,\n"), file_name="c"
        )


def test_import_command(tmp_path: Any) -> None:
    path = tmp_path / "targets.csv"
    path.write_text("\ufeff" + HEADER + "T9,丁,13,食品生产企业,B,,,,,\n", encoding="utf-8")
    call_command("import_targets", str(path), stdout=io.StringIO())
    assert Target.objects.filter(code="T9").exists()
    path.write_text(HEADER + "T8,,13,x,,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行 name"):
        call_command("import_targets", str(path), stdout=io.StringIO())


def test_import_page_runs_the_import_as_a_job(django_capture_on_commit_callbacks: Any) -> None:
    """Issue 12: the upload becomes a job; its page shows the result or the row errors."""
    client = Client()
    client.force_login(factories.regulator("11"))
    good = SimpleUploadedFile("t.csv", (HEADER + "T1,甲,11,食品生产企业,A,,,,,\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/supervision/targets/import/", {"file": good})
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.state == "done" and Target.objects.get().name == "甲"
    assert "已导入 1 个检查对象" in client.get(response.url).content.decode()
    bad = SimpleUploadedFile("t.csv", (HEADER + "T2,乙,19,x,,,,,,\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/supervision/targets/import/", {"file": bad})
    page = client.get(response.url).content.decode()
    assert "第 2 行 region：未知地区代码 &#x27;19&#x27;" in page and Target.objects.count() == 1


def test_result_publication_reminders_reach_the_regions_regulators(
    regulators: dict[str, Any],
) -> None:
    """Issue 12: a result to publish within 20 working days: reminded at 7 and 1, and missed."""
    batch = f.drawn_batch(regulators)
    task = batch.tasks.exclude(status=TaskStatus.SUPERSEDED).first()
    assert task is not None
    region = task.region.code
    today = timezone.localdate()
    result = services.record_result(
        regulators[region], task, result=ResultKind.FILED, checked_on=today
    )
    seven_before = next(
        day
        for day in (today + timedelta(n) for n in range(40))
        if add_working_days(day, 7) == result.publication_deadline
    )
    assert remind_result_publication(seven_before) == 1
    assert remind_result_publication(seven_before) == 0
    notice = regulators[region].notices.get(key="deadline.soon")
    assert notice.params["days"] == 7
    other = regulators["12" if region == "11" else "11"]
    assert not other.notices.filter(key__startswith="deadline").exists()
