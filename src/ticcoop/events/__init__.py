"""Change feeds and webhooks over an outbox table; services call ``record`` (see recorder)."""

from __future__ import annotations

from typing import Any


def record(kind: str, key: Any, payload: dict[str, Any] | None = None, **options: Any) -> Any:
    """Record a change in the outbox (in the caller's transaction): see ``recorder.record``."""
    from ticcoop.events.recorder import record as _record

    return _record(kind, key, payload, **options)


def record_many(kind: str, objects: Any) -> int:
    """Record many changes of one kind at once (bulk imports): see ``recorder.record_many``."""
    from ticcoop.events.recorder import record_many as _record_many

    return _record_many(kind, objects)


def record_missed_deadline(occasion: str, params: dict[str, Any], users: Any, url: str = "") -> Any:
    """The deadline.missed event (webhook) of a missed deadline: see ``recorder``."""
    from ticcoop.events.recorder import record_missed_deadline as _record

    return _record(occasion, params, users, url)
