"""The bulk target import (issue 17): fast path and precise errors agree, settings restored."""

from __future__ import annotations

import io

import pytest
from django.db import connection

from ticcoop.supervision import services
from ticcoop.supervision.models import Target, TargetImport
from ticcoop.supervision.services import importing
from ticcoop.supervision.services.importing import TargetImportError
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db

HEADER = "code,name,region,entity_type,risk_class,size,sector,area,related,status\n"


def run(text: str) -> TargetImport:
    return services.import_targets(None, io.StringIO(text), file_name="t.csv")


def test_valid_rows_are_stripped_and_blanks_take_the_defaults() -> None:
    record = run(HEADER + " T1 , 甲 ,11, 食品生产企业 ,,,,,, \nT2,乙,15,x,D,,,,T1;T3,closed\n")
    assert record.rows == 2
    rows = Target.objects.order_by("code").values_list(
        "code", "name", "region__code", "entity_type", "risk_class", "related", "status"
    )
    assert list(rows) == [
        ("T1", "甲", "11", "食品生产企业", "B", "", "active"),
        ("T2", "乙", "15", "x", "D", "T1;T3", "closed"),
    ]


def test_every_rejected_row_is_named_and_nothing_is_written() -> None:
    institution = factories.institution("13")
    too_long = "名" * 129
    rows = [
        "T1,甲,11,x,,,,,,",  # valid, then repeated on line 6
        f"T2,{too_long},11,x,,,,,,",
        "T3,丙,11,x,,,,,",  # nine columns
        f"{institution.credit_code},丁,13,x,,,,,,",
        "T1,戊,12,x,,,,,,",
        "T5,己,11,x,,,,,,pending",
    ]
    with pytest.raises(TargetImportError) as error:
        run(HEADER + "\n".join(rows) + "\n")
    assert error.value.messages == [
        "第 3 行 name：超过 128 个字符",
        "第 4 行 应有 10 列，实际 9 列",
        f"第 5 行 code：{institution.credit_code} 是已登记的检验检测机构",
        "第 6 行 code：T1 与第 2 行重复",
        "第 7 行 status：应为 active 或 closed",
    ]
    assert not Target.objects.exists() and not TargetImport.objects.exists()


def test_rows_past_the_first_batch_are_rolled_back_on_a_late_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)  # the first rows are already written
    rows = "".join(f"T{i},名{i},11,x,,,,,,\n" for i in range(5)) + "T9,,11,x,,,,,,\n"
    with pytest.raises(TargetImportError, match="第 7 行 name"):
        run(HEADER + rows)
    assert not Target.objects.exists()
    assert run(HEADER + rows.replace("T9,,", "T9,癸,")).rows == 6


def test_the_database_settings_are_restored_after_an_import() -> None:
    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return int(cursor.fetchone()[0])

    if connection.vendor != "sqlite":
        run(HEADER + "T1,甲,11,x,,,,,,\n")
        with connection.cursor() as cursor:  # the COPY stage is gone
            cursor.execute("SELECT to_regclass(%s)", [importing._STAGE])
            assert cursor.fetchone()[0] is None
        return
    before = cache_size()
    run(HEADER + "T1,甲,11,x,,,,,,\n")
    assert cache_size() == before != importing.BULK_PRAGMAS["cache_size"]
    with pytest.raises(TargetImportError):
        run(HEADER + "T2,,11,x,,,,,,\n")
    assert cache_size() == before
