"""Open-data snapshots: the open-data files (dashboard JSON/CSV, one CSV per table, the
published results) are built once a day by a job and served from the last snapshot, so a
download costs a file read, not the dashboard's queries.

A request with parameters (another year, result filters) is still answered live, and so is
one in another language than the snapshot's (the files carry translated labels), and every
request before the first snapshot exists. The two latest snapshots are kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from ticcoop import exports
from ticcoop.disclosure import dashboard, opendata, queries
from ticcoop.jobs.models import Job, JobState

OPENDATA_SNAPSHOT = "opendata-snapshot"
KEEP = 2


def _json(value: Any) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).encode("utf-8")


def build_files() -> tuple[int, list[tuple[str, Callable[[], bytes]]]]:
    """(year, [(file name, maker)]) of one snapshot; the makers run one after the other."""
    board = dashboard.build()
    makers: list[tuple[str, Callable[[], bytes]]] = [
        ("dashboard.json", lambda: _json(opendata.as_json(board))),
        ("dashboard.csv", lambda: opendata.long_csv(board)),
    ]
    for table in board.tables:
        makers.append((f"{table.key}.csv", partial(opendata.table_csv, board, table)))
    found: list[dict[str, Any]] = []

    def results_json() -> bytes:
        found.extend(queries.result_rows())
        return _json({"results": found})

    def results_csv() -> bytes:  # the same rows as the JSON just made (the same queries)
        fields = list(found[0]) if found else ["batch", "target_code", "result"]
        return exports.csv_bytes(fields, ([row[f] for f in fields] for row in found), bom=True)

    makers += [("results.json", results_json), ("results.csv", results_csv)]
    return board.year, makers


def store(job_id: int, name: str, content: bytes) -> str:
    return default_storage.save(f"opendata/{job_id}/{name}", ContentFile(content))


def drop_older(keep: int = KEEP) -> int:
    """Delete the files of all but the ``keep`` latest snapshots; returns snapshots dropped."""
    done = Job.objects.filter(kind=OPENDATA_SNAPSHOT, state=JobState.DONE).order_by(
        "-finished_at", "-pk"
    )
    dropped = 0
    for job in done[keep:]:
        files = (job.result or {}).get("files") or {}
        if not files:
            continue
        for path in files.values():
            default_storage.delete(path)
        Job.objects.filter(pk=job.pk).update(result={**job.result, "files": {}})
        dropped += 1
    return dropped


def latest() -> Job | None:
    return (
        Job.objects.filter(kind=OPENDATA_SNAPSHOT, state=JobState.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def read(name: str) -> tuple[bytes, dict[str, Any]] | None:
    """(content, facts) of ``name`` in the last snapshot in the active language, or None."""
    job = latest()
    if job is None:
        return None
    facts = job.result or {}
    path = (facts.get("files") or {}).get(name)
    if not path or facts.get("language") != translation.get_language():
        return None
    try:
        with default_storage.open(path, "rb") as handle:
            return handle.read(), facts
    except FileNotFoundError:
        return None
