"""Public web paths on PostgreSQL: certificate search and verification, against keys JSON.

Issue 17's rows "public search, 1 client", "public search, 8 clients, 2 workers" and "verify
token / verify page, 8 clients".  A PostgreSQL database ``<BENCH_DB_PREFIX><random>`` (default
prefix ``ticcoop_bench_web_``) is created at BENCH_POSTGRES_URL, filled with N institutions,
N certificates (each signed) and 2N scope rows by ``ticcoop import-registry``, and dropped at
the end (vacuumed after the fill, as autovacuum would soon after an import);
BENCH_WEB_DATABASE_URL names an already filled database instead (kept).  N is
BENCH_INSTITUTIONS (100,000; 5,000 with BENCH_SCALE=small).

gunicorn serves it (2 workers, the project's ``gunicorn.conf.py``: gthread) with DEBUG=0;
a loopback load generator (keep-alive connections, a fixed number of requests) runs each
scenario with 1 client and with 8.  **Every request asks a different URL** (different
search words, numbers and tokens), so cached public responses do not flatter the figures.
For each scenario: requests/s, p50, p99 and the workers' **CPU time per request** (from
/proc, the robust figure on a shared machine); the reference is ``/.well-known/
ticcoop-keys.json`` (one tiny query, no template), measured in the same run, and every ratio
is to it.  Each response is checked (status 200, the expected content).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "src"))

import bench_registry  # noqa: E402
from _measure import report_row, scaled, ticcoop  # noqa: E402

COUNT = int(os.environ.get("BENCH_INSTITUTIONS", str(scaled(100_000, 5_000))))
REQUESTS = int(os.environ.get("BENCH_WEB_REQUESTS", str(scaled(1200, 300))))
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
PREFIX = os.environ.get("BENCH_DB_PREFIX", "ticcoop_bench_web_")
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_WEB_PORT", "8765"))
WORKERS = 2
TIME_LIMIT = 60.0
TICKS = os.sysconf("SC_CLK_TCK")


def write_files(folder: Path) -> tuple[Path, Path, Path]:
    """The registry as bench_registry.py builds it (same generator, same sizes)."""
    bench_registry.COUNT = COUNT
    return bench_registry.write_files(folder)


@contextlib.contextmanager
def database(folder: Path, env: dict[str, str]) -> Iterator[str]:
    """A filled database: BENCH_WEB_DATABASE_URL as it is, or a new one made and dropped here."""
    given = os.environ.get("BENCH_WEB_DATABASE_URL")
    if given:
        yield given
        return
    import psycopg

    name = f"{PREFIX}{secrets.token_hex(6)}"  # unique: never another run's database
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        url = f"{PG_SERVER}/{name}"
        fill(url, folder, env)
        yield url
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def fill(url: str, folder: Path, env: dict[str, str]) -> None:
    env = {**env, "DATABASE_URL": url, "DJANGO_SUPERUSER_PASSWORD": secrets.token_hex(8)}
    quiet: dict[str, object] = {"env": env, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run(ticcoop("migrate", "-v0"), **quiet)  # type: ignore[call-overload]
    superuser = ("createsuperuser", "--noinput", "--username", "bench", "--email", "b@x.invalid")
    subprocess.run(ticcoop(*superuser), **quiet)  # type: ignore[call-overload]
    started = time.perf_counter()
    for path in write_files(folder):
        subprocess.run(ticcoop("import-registry", str(path), "--user", "bench"), **quiet)  # type: ignore[call-overload]
    print(f"set-up: {COUNT:,} institutions imported in {time.perf_counter() - started:.0f} s")
    # the state autovacuum reaches within minutes of an import (its insert threshold): the
    # search index's pending list merged, dead row versions gone, statistics current.  Right
    # after the import every search scanned ~235 pending index pages (8.6-13.9 ms of SQL
    # against 1.6-2.5 ms once vacuumed).
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")


def worker_pids(master: int) -> list[int]:
    with contextlib.suppress(OSError):
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
        return [int(pid) for pid in text.split()]
    return []


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


@contextlib.contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[list[int]]:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ticcoop.config.wsgi", "-c",
         str(BENCH.parent / "gunicorn.conf.py"), "-w", str(WORKERS), "-b", f"{HOST}:{PORT}",
         "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((HOST, PORT), 0.5):
                break
            time.sleep(0.2)
        while len(worker_pids(server.pid)) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.2)
        yield worker_pids(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(40)  # gthread workers finish their kept-alive connections first
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


@dataclass
class Result:
    rate: float
    p50: float
    p99: float
    cpu_ms: float  # workers' CPU per request

    def text(self) -> str:
        return (
            f"{self.rate:.0f} req/s, p50 {self.p50:.1f} ms, p99 {self.p99:.1f} ms, "
            f"{self.cpu_ms:.1f} ms CPU/req"
        )


def load(
    paths: list[str], clients: int, pids: list[int], check: Callable[[str, int, bytes], None]
) -> Result:
    """Each path once (distinct URLs) over ``clients`` keep-alive connections."""
    latencies: list[float] = []
    lock = threading.Lock()
    queue = iter(paths)
    deadline = time.monotonic() + TIME_LIMIT
    errors: list[str] = []

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
        for path in queue:
            if time.monotonic() > deadline:
                break
            start = time.perf_counter()
            status, body = get(connection, path)
            elapsed = time.perf_counter() - start
            try:
                check(path, status, body)
            except AssertionError as exc:
                errors.append(f"{path}: {exc}")
                break
            with lock:
                latencies.append(elapsed)
        connection.close()

    cpu_before = cpu_seconds(pids)
    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    cpu = cpu_seconds(pids) - cpu_before
    if errors:
        raise RuntimeError("; ".join(errors[:3]))
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return Result(
        len(latencies) / elapsed,
        statistics.median(latencies) * 1000,
        p99 * 1000,
        cpu / len(latencies) * 1000,
    )


def ok(needle: bytes) -> Callable[[str, int, bytes], None]:
    def check(path: str, status: int, body: bytes) -> None:
        assert status == 200, f"HTTP {status}"
        assert needle in body, f"{needle!r} missing"

    return check


def verified(path: str, status: int, body: bytes) -> None:
    assert status == 200, f"HTTP {status}"
    assert json.loads(body)["signature_valid"] is True, "signature not valid"


def scenarios(sample: list[dict[str, object]]) -> dict[str, tuple[list[str], object]]:
    """name → (distinct paths, check).  ``sample`` is (number, token) of certificates."""
    rng = random.Random(3)
    n = REQUESTS
    fragments = [
        f"{rng.choice(bench_registry.WORDS)}{rng.choice(bench_registry.WORDS)}" for _ in range(n)
    ]
    # Distinct URLs with the same work: a word pair, a page (1-3) and a region filter.
    regions = ["", "11", "12", "13", "14", "15"]
    search = [
        f"?q={quote(fragment)}&region={regions[i % 6]}&page={1 + i // 6 % 3}"
        for i, fragment in enumerate(fragments)
    ]
    tokens = [(str(row["number"]), str(row["token"])) for row in sample]
    return {
        # the keys document is one URL; a query string keeps the same work
        "reference: keys JSON": (
            [f"/.well-known/ticcoop-keys.json?r={i}" for i in range(n)],
            ok(b'"keys"'),
        ),
        "search (API)": ([f"/api/certificates{q}" for q in search], ok(b'"items"')),
        "search page (HTML)": ([f"/certificates/{q}" for q in search], ok(b"</html>")),
        "verify token (API)": (
            [f"/api/certificates/verify?token={quote(t)}" for _n, t in tokens],
            verified,
        ),
        "verify page": (
            [f"/verify/{number}/?t={quote(t)}" for number, t in tokens],
            ok(b"</html>"),
        ),
    }


def tokens_of(count: int) -> list[dict[str, object]]:
    """(number, token) of ``count`` certificates spread over the registry, from the API."""
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    found: list[dict[str, object]] = []
    page = 1
    while len(found) < count:
        status, body = get(connection, f"/api/certificates?page={page}")
        items = json.loads(body)["items"] if status == 200 else []
        if not items:
            break
        for item in items:
            status, body = get(connection, f"/api/certificates/{item['number']}/versions")
            found.append({"number": item["number"], "token": json.loads(body)[0]["token"]})
        page += 1
    connection.close()
    return found[:count]


def measure(env: dict[str, str]) -> dict[tuple[str, int], Result]:
    results: dict[tuple[str, int], Result] = {}
    with gunicorn(env) as pids:
        if not pids:
            raise RuntimeError("no gunicorn workers found")
        sample = tokens_of(REQUESTS)
        for name, (paths, check) in scenarios(sample).items():
            load(paths[:40], 8, pids, check)  # type: ignore[arg-type]  # warms both workers
            for clients in (1, 8):
                results[name, clients] = load(paths, clients, pids, check)  # type: ignore[arg-type]
                print(f"{name:<22} {clients} client(s): {results[name, clients].text()}")
    return results


def report(results: dict[tuple[str, int], Result]) -> None:
    ref1, ref8 = results["reference: keys JSON", 1], results["reference: keys JSON", 8]
    print(f"\nreference keys JSON: 1 client {ref1.text()}; 8 clients {ref8.text()}")
    for (name, clients), result in results.items():
        ref = ref1 if clients == 1 else ref8
        print(
            f"  {name:<22} {clients}: rate {result.rate / ref.rate:4.2f}x ref, "
            f"CPU/req {result.cpu_ms / ref.cpu_ms:4.1f}x ref, p50 {result.p50:6.1f} ms, "
            f"p99 {result.p99:6.1f} ms"
        )
    api1, page1 = results["search (API)", 1], results["search page (HTML)", 1]
    worst1 = max(api1, page1, key=lambda r: r.p50)
    report_row(
        "search-1",
        f"API {api1.text()}; page {page1.text()}",
        f"keys JSON {ref1.text()}",
        f"p50 {worst1.p50 / ref1.p50:.1f}x, CPU/req {worst1.cpu_ms / ref1.cpu_ms:.1f}x the ref",
        "p50 <= 10 ms, p99 <= 25 ms",
        all(r.p50 <= 10 and r.p99 <= 25 for r in (api1, page1)),
        note="latencies on a shared machine are indicative; CPU/req is the robust figure",
    )
    api8, page8 = results["search (API)", 8], results["search page (HTML)", 8]
    report_row(
        "search-8",
        f"API {api8.text()}; page {page8.text()}",
        f"keys JSON {ref8.text()}",
        f"rate API {api8.rate / ref8.rate:.2f}x, page {page8.rate / ref8.rate:.2f}x the ref",
        ">= 0.5x the reference rate, p99 <= 50 ms",
        all(r.rate >= 0.5 * ref8.rate and r.p99 <= 50 for r in (api8, page8)),
    )
    token8, verify8 = results["verify token (API)", 8], results["verify page", 8]
    report_row(
        "verify-8",
        f"token {token8.text()}; page {verify8.text()}",
        f"keys JSON {ref8.text()}",
        f"rate token {token8.rate / ref8.rate:.2f}x, page {verify8.rate / ref8.rate:.2f}x",
        ">= 0.8x the reference rate",
        all(r.rate >= 0.8 * ref8.rate for r in (token8, verify8)),
    )


def main() -> None:
    size = "the given database" if os.environ.get("BENCH_WEB_DATABASE_URL") else f"{COUNT:,}"
    print(f"public web paths: {size} institutions on PostgreSQL, {REQUESTS} distinct URLs")
    with tempfile.TemporaryDirectory(prefix="bench_web_") as folder:
        env = {
            **os.environ,
            "DEBUG": "0",
            "PLAIN_HTTP": "1",
            "ALLOWED_HOSTS": HOST,
            "SECRET_KEY": secrets.token_hex(32),
            "TICCOOP_VAR_DIR": folder,
            "TICCOOP_API_RATE_ANON": str(10**9),  # measure the work, not the 429 answers
        }
        subprocess.run(
            ticcoop("collectstatic", "--noinput", "-v0"), env=env, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        with database(Path(folder), env) as url:
            results = measure({**env, "DATABASE_URL": url})
    report(results)


if __name__ == "__main__":
    main()
