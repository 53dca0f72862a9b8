"""Background jobs: enqueue → done latency, throughput, and the overhead of an import as a job.

Throw-away sites (temporary SQLite database + queue; Redis db 12 under a unique queue name when
Redis answers at BENCH_REDIS_URL):

1. enqueue → done latency p50/p99 of BENCH_JOBS (1000) trivial ``noop`` jobs, one at a time
   (enqueue, wait until the record says done), one consumer, for SQLite and Redis storage;
2. throughput (jobs/s) of BENCH_JOBS jobs enqueued at once with 1 and 2 consumer processes
   (database timestamps: first start to last end);
3. a BENCH_IMPORT_ROWS (100,000) institution import run directly (``ticcoop import-registry``)
   vs as a job (enqueue → done): the overhead ratio, target ≤ 1.1×.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from ticcoop.testing.consumer import Site, institutions_csv

JOBS = int(os.environ.get("BENCH_JOBS", "1000"))
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


def redis_up() -> bool:
    done = subprocess.run(["redis-cli", "-u", REDIS_URL, "ping"], capture_output=True, check=False)
    return done.returncode == 0 and b"PONG" in done.stdout


def enqueue_noops(site: Site, count: int) -> None:
    site.python(
        "from ticcoop.jobs.services import start_job\n"
        f"for _ in range({count}): start_job(None, 'noop')\n"
    )


def stamps(site: Site) -> list[tuple[datetime, datetime, datetime]]:
    rows = site.query(
        "SELECT created_at, started_at, finished_at FROM jobs_job"
        " WHERE kind = 'noop' AND state = 'done'"
    )
    return [tuple(datetime.fromisoformat(v) for v in row) for row in rows]  # type: ignore[misc]


LATENCY_SCRIPT = """
import json, time
from ticcoop.jobs.models import Job
from ticcoop.jobs.services import start_job
latencies = []
for _ in range({count}):
    start = time.perf_counter()
    job = start_job(None, "noop")
    while not Job.objects.filter(pk=job.pk, state="done").exists():
        time.sleep(0.002)
    latencies.append((time.perf_counter() - start) * 1000)
print(json.dumps(latencies))
"""


def latency(site: Site) -> tuple[float, float]:
    """One job at a time: enqueue, wait until done (ms), JOBS times."""
    consumer = site.start_consumer(workers=1)
    try:
        output = site.python(LATENCY_SCRIPT.format(count=JOBS))
    finally:
        site.kill(consumer)
    latencies = sorted(json.loads(output.strip().splitlines()[-1]))
    return statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]


def throughput(site: Site, consumers: int) -> float:
    """JOBS jobs enqueued at once; jobs/s from the first start to the last end."""
    site.query("DELETE FROM jobs_job WHERE kind='noop'")
    enqueue_noops(site, JOBS)
    processes = [site.start_consumer(workers=1) for _ in range(consumers)]
    deadline = time.monotonic() + 900
    while len(stamps(site)) < JOBS and time.monotonic() < deadline:
        time.sleep(0.2)
    for process in processes:
        site.kill(process)
    rows = stamps(site)
    span = (max(e for *_x, e in rows) - min(s for _c, s, _e in rows)).total_seconds()
    return len(rows) / span


def bench_queue(name: str, redis_url: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = Site(Path(folder), redis_url=redis_url)
        site.migrate()
        try:
            p50, p99 = latency(site)
            print(f"{name:6} enqueue -> done, one at a time: p50 {p50:.0f} ms, p99 {p99:.0f} ms")
            for consumers in (1, 2):
                rate = throughput(site, consumers)
                print(f"{name:6} {consumers} consumer(s), {JOBS} jobs queued: {rate:.0f} jobs/s")
        finally:
            site.stop_all()


def bench_import() -> None:
    data = institutions_csv(ROWS)
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        direct = Site(Path(first))
        direct.migrate()
        direct.python(
            "from django.contrib.auth.models import User\n"
            "User.objects.create_superuser('root', '', 'x')"
        )
        path = Path(first) / "institutions.csv"
        path.write_bytes(data)
        start = time.perf_counter()
        direct.ticcoop("import-registry", str(path))
        reference = time.perf_counter() - start
        site = Site(Path(second))
        site.migrate()
        site.start_consumer()
        try:
            start = time.perf_counter()
            job_id = site.enqueue_import(data, dry_run=False)
            job = site.wait_for(job_id, {"done", "failed"}, timeout=3600)
            as_job = time.perf_counter() - start
        finally:
            site.stop_all()
        assert job["state"] == "done", job
        print(
            f"import of {ROWS} institution rows: direct {reference:.1f} s (reference), "
            f"as a job {as_job:.1f} s, ratio {as_job / reference:.2f}x (target <= 1.1x)"
        )


def main() -> None:
    bench_queue("sqlite", "")
    if redis_up():
        bench_queue("redis", REDIS_URL)
    else:
        print(f"redis: no server at {REDIS_URL}, skipped")
    if ROWS:  # BENCH_IMPORT_ROWS=0 skips the import comparison
        bench_import()


if __name__ == "__main__":
    main()
