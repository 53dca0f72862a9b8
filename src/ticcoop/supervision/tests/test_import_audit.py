"""The target import leaves one audit entry per new or changed target (issue 11)."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from ticcoop.audit.verify import verify_chain
from ticcoop.supervision import services
from ticcoop.supervision.models import Target
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db
HEADER = "code,name,region,entity_type,risk_class,size,sector,area,related,status\n"


def _entries() -> list[LogEntry]:
    kind = ContentType.objects.get_for_model(Target)
    return list(LogEntry.objects.filter(content_type=kind).order_by("pk"))


def test_each_new_or_changed_target_gets_one_entry() -> None:
    actor = factories.regulator("11")
    rows = "".join(f"T{n},对象{n},11,食品生产企业,B,,,,,\n" for n in range(3))
    services.import_targets(actor, io.StringIO(HEADER + rows), file_name="a.csv")
    created = _entries()
    assert [e.action for e in created] == [LogEntry.Action.CREATE] * 3
    assert {e.object_pk for e in created} == {str(t.pk) for t in Target.objects.all()}
    assert created[0].actor == actor and created[0].additional_data["file"] == "a.csv"

    changed = rows.replace("T1,对象1,11,食品生产企业,B", "T1,对象1,11,食品生产企业,D")
    services.import_targets(actor, io.StringIO(HEADER + changed), file_name="b.csv")
    updates = _entries()[3:]
    assert len(updates) == 1
    assert updates[0].object_pk == str(Target.objects.get(code="T1").pk)
    assert updates[0].changes == {"risk_class": ["B", "D"]}
    assert verify_chain() == []
