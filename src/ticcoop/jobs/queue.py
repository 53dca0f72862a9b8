"""The one place that knows the queue is Huey (``settings.HUEY``, built in config/settings.py).

SQLite storage under ``var/`` by default (no service to run, consumers on this machine only);
Redis storage when ``TICCOOP_QUEUE_URL=redis://…`` (any number of consumers on any machine).
Live progress and heartbeats go to the queue's key-value store, not to the database: a running
import keeps its transaction open, and on SQLite a second writer would wait for it.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from huey import Huey


def huey() -> Huey:
    instance: Huey = settings.HUEY
    return instance


def is_immediate() -> bool:
    return bool(huey().immediate)


def lease_seconds() -> float:
    """A running job whose heartbeat is older than this is taken to be dead."""
    return float(getattr(settings, "TICCOOP_JOB_LEASE_SECONDS", 60))


def _key(job_id: int) -> str:
    return f"ticcoop-job-{job_id}"


def put_progress(job_id: int, done: int, total: int) -> None:
    huey().put(_key(job_id), {"done": done, "total": total, "beat": time.time()})


def progress(job_id: int) -> dict[str, Any] | None:
    """{"done", "total", "beat"} of a running job, or None before its first report."""
    value = huey().get(_key(job_id), peek=True)
    return value if isinstance(value, dict) else None


def clear_progress(job_id: int) -> None:
    huey().delete(_key(job_id))


def is_alive(job_id: int) -> bool:
    report = progress(job_id)
    return report is not None and time.time() - float(report["beat"]) < lease_seconds()
