"""Attributing writes in the audit trail (django-auditlog) to the user who made them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.context import auditlog_value, set_actor


@contextmanager
def audit_as(actor: Any) -> Iterator[None]:
    """Attribute the log entries written inside the block to ``actor``.

    auditlog's ``set_actor`` stores its context in a context variable that it never resets, so a
    nested or earlier use would leave a stale actor behind. We put back whatever was there before
    (the request middleware's context, or nothing), so every block gets exactly its own actor.
    Without an authenticated actor (a platform rule, the CLI) any surrounding context is kept.
    """
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    if real_actor is None:
        yield
        return
    previous = auditlog_value.get(None)
    try:
        with set_actor(real_actor):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)
