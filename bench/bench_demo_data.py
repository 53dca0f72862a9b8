"""Demo data at scale: `ticcoop demo-data --institutions N` time and peak memory.

Runs the real command in a child process against a fresh SQLite file (and PostgreSQL when
BENCH_POSTGRES_URL is set), and reads the child's peak RSS. Target: 1,000,000 institutions with
peak memory under 1 GiB. Reference in the same run: the same rows as a bare executemany of
pre-built tuples (what the database itself costs), so the ratio shows the command's overhead.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("BENCH_INSTITUTIONS", "1000000"))


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak_kib, before) / 1024


def ticcoop(*words: str) -> list[str]:
    return [sys.executable, "-m", "ticcoop.cli", *words]


def bench_command(database_url: str, label: str) -> float:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    subprocess.run(ticcoop("migrate", "-v0"), env=env, check=True)
    seconds, peak_mib = run_child(
        ticcoop("demo-data", "--institutions", str(COUNT), "--seed", "1"), env
    )
    print(
        f"{label:<28} {COUNT:>9,} institutions  {seconds:7.1f} s  "
        f"{COUNT / seconds:9,.0f} rows/s  peak RSS {peak_mib:7.1f} MiB (all children so far)"
    )
    return seconds


def bench_bare_sqlite(path: Path) -> float:
    rows = ((f"{i:018d}", f"机构{i}", 1, "地址") for i in range(COUNT))
    start = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (code TEXT UNIQUE, name TEXT, region INT, address TEXT)")
    connection.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
    connection.commit()
    connection.close()
    seconds = time.perf_counter() - start
    print(f"{'reference: bare executemany':<28} {COUNT:>9,} rows          {seconds:7.1f} s")
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        ours = bench_command(f"sqlite:///{folder}/bench.sqlite3", "demo-data on SQLite")
        bare = bench_bare_sqlite(Path(folder) / "bare.sqlite3")
        print(f"ratio demo-data / bare insert: {ours / bare:.1f}x")
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    if postgres:
        bench_command(postgres, "demo-data on PostgreSQL")


if __name__ == "__main__":
    main()
