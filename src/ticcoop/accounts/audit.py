"""Attributing writes in the audit trail (django-auditlog) to the user who made them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.context import auditlog_value, set_actor


@contextmanager
def audit_as(actor: Any) -> Iterator[None]:
    """Attribute log entries to ``actor`` unless a request already set an actor.

    auditlog's own context does not nest, so an outer actor (from its middleware) is kept.
    """
    current = auditlog_value.get(None)
    if current is not None and current.get("actor") is not None:
        yield
        return
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    with set_actor(real_actor):
        yield
