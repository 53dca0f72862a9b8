"""Chain links written from the objects in memory (``append_written``) must carry exactly the
payload ``ticcoop audit verify`` later reads back from the database."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from ticcoop.audit import chain
from ticcoop.audit.models import ChainLink
from ticcoop.audit.verify import verify_chain
from ticcoop.bulk import insert_rows
from ticcoop.regions.models import Region

pytestmark = pytest.mark.django_db


class Action(models.TextChoices):  # a choices member is a str subclass
    IMPORT = "import", "导入"


PLAIN: dict[str, Any] = {
    "changes": {"名称": ["旧\n名", '新 "名"'], "状态": [None, Action.IMPORT], "n": [1, 2]},
    "additional_data": {"file": "表①.csv", "rows": [1, -(2**53 - 1), True, None], "x": {}},
    "object_repr": Action.IMPORT,  # a choices member: stored as its string
}
# each of these needs the database's spelling: the chunk is read back
READ_BACK: list[dict[str, Any]] = [
    {"additional_data": {"ratio": 0.1}},  # jsonb may write a float otherwise
    {"additional_data": {"big": 2**60}},  # the payload spells it as a string
    {"additional_data": {"\ue000key": 1}},  # RFC 8785 sorts by UTF-16 code unit
    {"remote_addr": "::ffff:10.0.0.1"},  # an address is normalised
]


def _entries(values: dict[str, Any]) -> list[LogEntry]:
    content_type = ContentType.objects.get_for_model(Region)
    base = {"content_type": content_type, "object_pk": "11", "object_id": 11, "action": 0,
            "object_repr": "北京", "timestamp": timezone.now(), "changes_text": ""}  # fmt: skip
    entries = [LogEntry(**{**base, **values}) for _ in range(3)]
    insert_rows(entries)
    return entries


def _read_backs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = chain._read_back

    def counted(model: Any, keys: list[str], algorithm: str) -> dict[str, str]:
        calls.append(len(keys))
        return original(model, keys, algorithm)

    monkeypatch.setattr(chain, "_read_back", counted)
    return calls


def _linked_payloads(entries: list[LogEntry]) -> dict[str, str]:
    keys = [str(entry.pk) for entry in entries]
    links = ChainLink.objects.filter(table="auditlog.logentry", record_pk__in=keys)
    return dict(links.values_list("record_pk", "payload"))


def test_plain_values_are_chained_from_memory_as_they_read_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = _entries(PLAIN)
    calls = _read_backs(monkeypatch)
    chain.append_written(entries)
    assert calls == []  # no reading back...
    stored = dict(
        chain.stored_rows(LogEntry, LogEntry.objects.filter(pk__in=[e.pk for e in entries]))
    )
    assert _linked_payloads(entries) == stored  # ...and the very payload it would have read
    assert verify_chain() == []


@pytest.mark.parametrize("values", READ_BACK, ids=["float", "big-int", "odd-key", "address"])
def test_values_the_database_may_respell_are_read_back(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, Any]
) -> None:
    entries = _entries(values)
    calls = _read_backs(monkeypatch)
    chain.append_written(entries)
    assert calls == [3]
    assert verify_chain() == []
