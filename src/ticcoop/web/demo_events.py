"""Events for records made without the services (the demo data's bulk inserts): one event per
record that has none yet, inserted in chunks per kind.

A sync client starting on a fresh demo database then finds the demo's institutions,
certificates, rounds, draws, tasks, results and findings in the change feeds.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, cast

from django.db import models, transaction

from ticcoop.bulk import insert_values
from ticcoop.events.models import Event, Kind
from ticcoop.events.payloads import describe

#: Events written at once (``insert_values``: rows as ``events.record_many`` writes them).
CHUNK = 5000


def _sources() -> list[tuple[str, Callable[[], models.QuerySet[Any]]]]:
    """(kind, the records its feed announces) in an order a mirror can apply.  The two large
    kinds are read as the values ``describe`` reads (``_as_object``), not as model objects:
    building those took most of this step's time at 100,000 institutions."""
    from ticcoop.certificates.models import Certificate
    from ticcoop.inspections.models import Campaign, CampaignStatus, Finding
    from ticcoop.proficiency.models import Round, RoundStatus
    from ticcoop.registry.models import Institution
    from ticcoop.supervision.models import Draw, Task, TaskResult

    return [
        (
            Kind.INSTITUTION,
            lambda: Institution.objects.values(
                "pk", "credit_code", "name", "region__code", "status", "risk_class"
            ),
        ),
        (
            Kind.CERTIFICATE,
            lambda: Certificate.objects.values(
                "pk",
                "number",
                "institution__credit_code",
                "institution__name",
                "status",
                "version",
                "issue_date",
                "expiry_date",
            ),
        ),
        (Kind.PT_ROUND, lambda: Round.objects.filter(status=RoundStatus.PUBLISHED)),
        (Kind.DRAW, lambda: Draw.objects.all()),
        (
            Kind.DRAW,
            lambda: Campaign.objects.exclude(drawn_at=None).exclude(status=CampaignStatus.DRAFT),
        ),
        (Kind.TASK, lambda: Task.objects.select_related("region")),
        (Kind.RESULT, lambda: TaskResult.objects.exclude(published_at=None)),
        (
            Kind.FINDING,
            lambda: Finding.objects.select_related(
                "target__institution__region", "target__pair__inspecting"
            ),
        ),
    ]


def record_existing() -> dict[str, int]:
    """One event per record without one (by key), per kind in one bulk insert; the counts."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        for kind, source in _sources():
            known = set(Event.objects.filter(kind=kind).values_list("key", flat=True))
            rows: list[tuple[str, str, dict[str, Any]]] = []
            written = 0
            for obj in source().order_by("pk").iterator(chunk_size=CHUNK):
                record = cast(Any, _as_object(obj) if isinstance(obj, dict) else obj)
                key, payload = describe(kind, record)
                if key[:100] not in known:
                    rows.append((kind, key[:100], payload))
                if len(rows) == CHUNK:  # a chunk at a time: memory stays flat
                    insert_values(Event, EVENT_COLUMNS, rows)
                    written, rows = written + len(rows), []
            insert_values(Event, EVENT_COLUMNS, rows)
            counts[kind] = counts.get(kind, 0) + written + len(rows)
    return counts


EVENT_COLUMNS = ("kind", "key", "payload")


def _as_object(row: dict[str, Any]) -> SimpleNamespace:
    """A ``values()`` row as the attributes ``describe`` reads: ``institution__name`` is
    ``.institution.name``."""
    root = SimpleNamespace()
    for path, value in row.items():
        target = root
        *parents, name = path.split("__")
        for part in parents:
            if not hasattr(target, part):
                setattr(target, part, SimpleNamespace())
            target = getattr(target, part)
        setattr(target, name, value)
    return root
