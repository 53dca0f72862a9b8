"""The target import's audit entries (issue 11): one per batch listing every new target, one
per changed target (docs/methods/audit-chain.md says why)."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from ticcoop.audit.verify import verify_chain
from ticcoop.regions.models import Region
from ticcoop.supervision import services
from ticcoop.supervision.models import Target
from ticcoop.supervision.services import importing
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db
HEADER = "code,name,region,entity_type,risk_class,size,sector,area,related,status\n"


def _entries() -> list[LogEntry]:
    kind = ContentType.objects.get_for_model(Target)
    return list(LogEntry.objects.filter(content_type=kind).order_by("pk"))


def test_batches_list_new_targets_and_each_change_has_its_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)  # three rows: two batches
    actor = factories.regulator("11")
    region = Region.objects.get(code="11").pk
    rows = "".join(f"T{n},对象{n},11,食品生产企业,B,,,,,\n" for n in range(3))
    services.import_targets(actor, io.StringIO(HEADER + rows), file_name="a.csv")
    created = _entries()
    assert [e.action for e in created] == [LogEntry.Action.CREATE] * 2
    assert created[0].actor == actor and created[0].additional_data["file"] == "a.csv"
    assert created[0].object_repr == "名录导入 a.csv 第 1 批：新增 2 个检查对象"
    assert created[1].changes["columns"][:3] == ["code", "name", "entity_type"]
    listed = [row for entry in created for row in entry.changes["created"]]
    assert [row[:2] for row in listed] == [["T0", "对象0"], ["T1", "对象1"], ["T2", "对象2"]]
    assert listed[0][-2:] == ["active", region]

    changed = rows.replace("T1,对象1,11,食品生产企业,B", "T1,对象1,11,食品生产企业,D")
    services.import_targets(actor, io.StringIO(HEADER + changed), file_name="b.csv")
    updates = _entries()[2:]
    assert [e.action for e in updates] == [LogEntry.Action.UPDATE]  # unchanged rows: none
    t1 = Target.objects.get(code="T1")
    assert t1.risk_class == "D"
    assert updates[0].object_pk == str(t1.pk)  # the target's own history shows the change
    assert updates[0].changes == {"risk_class": ["B", "D"]}
    assert updates[0].additional_data == {"import": "targets", "file": "b.csv"}
    assert verify_chain() == []


def test_a_code_stored_after_the_batch_was_read_fails_the_whole_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """New codes take a plain INSERT on SQLite; a code some other writer stored between the
    batch's read and its insert (simulated: the read misses it) must not be overwritten."""
    if connection.vendor == "postgresql":  # COPY + one upsert: no plain INSERT there
        pytest.skip("SQLite path")
    actor = factories.regulator("11")
    services.import_targets(
        actor, io.StringIO(HEADER + "T0,对象0,11,食品生产企业,B,,,,,\n"), file_name="a.csv"
    )
    monkeypatch.setattr(importing, "_stored", lambda pending: {})
    again = HEADER + "T1,对象1,11,食品生产企业,B,,,,,\nT0,改名,11,食品生产企业,D,,,,,\n"
    with pytest.raises(importing.TargetImportError, match="另有写入"):
        services.import_targets(actor, io.StringIO(again), file_name="b.csv")
    assert list(Target.objects.values_list("code", "name", "risk_class")) == [("T0", "对象0", "B")]
