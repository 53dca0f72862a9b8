from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from ticcoop.audit.chain import append_records, head, seal_unlinked
from ticcoop.audit.models import ChainLink
from ticcoop.audit.triggers import ROW_TRIGGER, set_triggers
from ticcoop.audit.verify import verify_chain
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db
# A published notice (抽查事项) as the example record; by label, as the audit app sits below
# supervision in the layers (tests/test_architecture.py).
InspectionItem = apps.get_model("supervision", "InspectionItem")


def _item(number: str = "SX-01") -> Any:
    return InspectionItem.objects.create(
        region=factories.region("14"),
        number=number,
        name="检验检测机构资质认定事项",
        legal_basis="《检验检测机构资质认定管理办法》",
        authority="山西省市场监督管理局",
        object_type="检验检测机构",
        rate_a="0.03",
        rate_b="0.05",
        rate_c="0.1",
        rate_d="0.2",
        frequency="每年一次",
        method="现场检查",
    )


def _raw_update(sql: str, params: list[object]) -> None:
    """A change behind the platform's back; on PostgreSQL the row trigger is bypassed the way
    a table owner would (ALTER TABLE … DISABLE TRIGGER), inside the test's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # ALTER TABLE waits for no deferred FK check
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        set_triggers(connection, ROW_TRIGGER, enabled=False)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    if connection.vendor == "postgresql":
        set_triggers(connection, ROW_TRIGGER, enabled=True)


def test_every_write_of_a_chained_record_and_its_log_entry_is_chained() -> None:
    item = _item()
    entry = LogEntry.objects.get_for_object(item).get()
    tables = set(ChainLink.objects.values_list("table", "record_pk"))
    assert ("supervision.inspectionitem", str(item.pk)) in tables
    assert ("auditlog.logentry", str(entry.pk)) in tables
    item.name = "改名"
    item.save()
    assert ChainLink.objects.filter(table="supervision.inspectionitem").count() == 2
    assert verify_chain() == []
    seq, digest = head()
    assert seq == ChainLink.objects.count() and len(digest) == 64


def test_a_tampered_audit_row_is_found_with_its_changed_column() -> None:
    item = _item()
    entry = LogEntry.objects.get_for_object(item).get()
    _raw_update("UPDATE auditlog_logentry SET object_repr = %s WHERE id = %s", ["x", entry.pk])
    problems = verify_chain()
    assert len(problems) == 1
    assert (problems[0].table, problems[0].key) == ("auditlog.logentry", str(entry.pk))
    assert problems[0].fields == ["object_repr"]
    link = ChainLink.objects.get(table="auditlog.logentry", record_pk=str(entry.pk))
    assert problems[0].seq == link.seq
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", "--no-progress")
    assert failure.value.returncode == 1


def test_a_tampered_published_record_is_found() -> None:
    item = _item()
    _item("SX-02")
    _raw_update("UPDATE supervision_inspectionitem SET rate_d = %s WHERE id = %s", ["0", item.pk])
    problems = verify_chain()
    assert [(p.table, p.key, p.fields) for p in problems] == [
        ("supervision.inspectionitem", str(item.pk), ["rate_d"])
    ]
    assert "supervision_inspectionitem" in str(problems[0])


def test_a_deleted_record_and_a_changed_link_are_found() -> None:
    item = _item()
    _item("SX-02")
    _raw_update("DELETE FROM supervision_inspectionitem WHERE id = %s", [item.pk])
    link = ChainLink.objects.filter(table="auditlog.logentry").first()
    assert link is not None
    _raw_update("UPDATE audit_chainlink SET payload = %s WHERE id = %s", ["{}", link.pk])
    problems = verify_chain()
    assert problems[0].seq == link.seq and "本环哈希" in problems[0].message
    assert any(p.key == str(item.pk) and "不存在" in p.message for p in problems)


def test_a_record_deleted_through_the_platform_leaves_a_verifiable_chain() -> None:
    item = _item()
    item.delete()
    assert ChainLink.objects.filter(table="supervision.inspectionitem").last().payload == "null"
    assert verify_chain() == []


def test_records_written_without_signals_are_reported_until_sealed() -> None:
    InspectionItem.objects.bulk_create(
        [InspectionItem(**{**_fields(), "number": f"B-{n}"}) for n in range(3)]
    )
    problems = verify_chain()
    assert len(problems) == 3 and all(p.seq is None for p in problems)
    assert seal_unlinked() == 3
    assert verify_chain() == []
    call_command("audit", "verify", "--no-progress")


def test_a_removed_link_breaks_the_sequence() -> None:
    _item()
    _item("SX-02")
    second = ChainLink.objects.order_by("seq")[1]
    _raw_update("DELETE FROM audit_chainlink WHERE id = %s", [second.pk])
    problems = verify_chain()
    assert problems[0].seq == second.seq + 1 and "序号不连续" in problems[0].message


def test_appends_follow_the_head() -> None:
    item = _item()
    before, _digest = head()
    append_records(InspectionItem, [item.pk, item.pk])
    assert head()[0] == before + 2
    assert verify_chain() == []


def _fields() -> dict[str, object]:
    item = _item("TEMPLATE")
    values = {f.attname: getattr(item, f.attname) for f in InspectionItem._meta.concrete_fields}
    values.pop("id")
    item.delete()
    return values
