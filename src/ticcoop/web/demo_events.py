"""Events for records made without the services (the demo data's bulk inserts): one event per
record that has none yet, inserted in chunks per kind.

A sync client starting on a fresh demo database then finds the demo's institutions,
certificates, rounds, draws, tasks, results and findings in the change feeds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction

from ticcoop.bulk import insert_rows
from ticcoop.events.models import Event, Kind
from ticcoop.events.payloads import describe

#: Events written at once (``insert_rows``, as ``events.record_many`` writes them).
CHUNK = 5000


def _sources() -> list[tuple[str, Callable[[], models.QuerySet[Any]]]]:
    """(kind, the records its feed announces) in an order a mirror can apply."""
    from ticcoop.certificates.models import Certificate
    from ticcoop.inspections.models import Campaign, CampaignStatus, Finding
    from ticcoop.proficiency.models import Round, RoundStatus
    from ticcoop.registry.models import Institution
    from ticcoop.supervision.models import Draw, Task, TaskResult

    return [
        (Kind.INSTITUTION, lambda: Institution.objects.select_related("region")),
        (Kind.CERTIFICATE, lambda: Certificate.objects.select_related("institution")),
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
            rows: list[Event] = []
            written = 0
            for obj in source().order_by("pk").iterator(chunk_size=CHUNK):
                key, payload = describe(kind, obj)
                if key[:100] not in known:
                    rows.append(Event(kind=kind, key=key[:100], payload=payload))
                if len(rows) == CHUNK:  # a chunk at a time: memory stays flat
                    insert_rows(rows)
                    written, rows = written + len(rows), []
            insert_rows(rows)
            counts[kind] = counts.get(kind, 0) + written + len(rows)
    return counts
