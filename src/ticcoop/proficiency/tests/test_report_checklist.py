"""The report against the ISO/IEC 17043:2023 7.4 checklist of docs/methods/pt-report.md: every
marker of the checklist table is found in the text of a generated report."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ticcoop.proficiency import services
from ticcoop.proficiency.models import Report
from ticcoop.proficiency.tests import factories as pf

pytestmark = pytest.mark.django_db
CHECKLIST = Path(__file__).resolve().parents[4] / "docs" / "methods" / "pt-report.md"
ROW = re.compile(r"^\|\s*([^|]+?)\s*\|.*\|\s*`([^`]+)`\s*\|\s*$")


def checklist() -> list[tuple[str, str]]:
    rows = [ROW.match(line) for line in CHECKLIST.read_text(encoding="utf-8").splitlines()]
    return [(m.group(1), re.sub(r"\s+", "", m.group(2))) for m in rows if m]


def pdf_text(pdf: bytes) -> tuple[str, list[str]]:
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]
    return re.sub(r"\s+", "", "".join(pages)), pages


def test_the_checklist_has_every_item() -> None:
    items = {item for item, _marker in checklist()}
    assert len(checklist()) >= 25
    assert set("abcdefghijklmnpqrst") <= items and "7.4.3" in items


@pytest.fixture
def published_report(settings: Any, tmp_path: Path) -> Report:
    settings.MEDIA_ROOT = tmp_path
    rnd, actor = pf.closed_round()
    measurand = rnd.scheme.measurands.get()
    services.record_item_check(
        actor, rnd, measurand, "homogeneity", [[10.0, 10.1], [10.05, 10.0], [9.98, 10.02]]
    )
    services.save_report_particulars(
        actor,
        rnd,
        coordinator="王协调",
        signatory="李签字",
        signatory_title="技术负责人",
        items_description="大米粉，每瓶 50 g，辐照灭菌",
        comments="本轮整体结果良好。",
        contact="北京市海淀区某路1号，电话010-12345678",
        external_activities="均匀性和稳定性检验分包给某检测中心",
    )
    services.evaluate_round(actor, rnd)
    services.publish_round(actor, rnd)
    return Report.objects.get(round=rnd)


def test_every_checklist_item_is_in_the_report(published_report: Report) -> None:
    text, pages = pdf_text(bytes(published_report.pdf))
    missing = [(item, marker) for item, marker in checklist() if marker not in text]
    assert not missing, missing
    # named people and the provider's texts as entered, the round's dates, page x of y
    for value in (
        "王协调",
        "李签字技术负责人",
        "大米粉，每瓶50g",
        "本轮整体结果良好",
        "电话010-12345678",
        "均匀性和稳定性检验分包给某检测中心",
    ):
        assert value in text
    assert f"报告编号{published_report.number}" in text
    total = len(pages)
    assert total >= 3
    for number, page in enumerate(pages, 1):
        assert f"第{number}页共{total}页" in re.sub(r"\s+", "", page)
    assert "结果通知书·" not in text and "贵单位参加了" not in text  # no letter page
    assert "样品1：10、10.1" in text  # the homogeneity data themselves
    codes = list(published_report.round.participants.values_list("code", flat=True))
    assert all(code in text for code in codes)  # every result row, by code


def test_a_marker_that_is_not_in_the_report_fails(published_report: Report) -> None:
    text, _pages = pdf_text(bytes(published_report.pdf))
    assert "按方法分组" not in text  # item o (statistics per method group) is not covered
    assert "无外部提供的活动" not in text  # the provider named its subcontractor


def test_without_particulars_the_defaults_are_printed(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    rnd, actor = pf.closed_round()
    services.evaluate_round(actor, rnd)
    services.publish_round(actor, rnd)
    text, _pages = pdf_text(bytes(Report.objects.get(round=rnd).pdf))
    assert "外部提供的活动无外部提供的活动" in text
    assert "提供者联系方式（未指定）" in text
