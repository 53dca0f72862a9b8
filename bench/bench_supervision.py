"""Target directory import at scale: `ticcoop import-targets FILE` time and peak memory.

Writes a CSV of BENCH_TARGETS rows (default 1,000,000) and runs the real command in a child
process against a fresh SQLite file (and PostgreSQL when BENCH_POSTGRES_URL is set); peak memory
is the child's max RSS. Target: 1M rows in at most 60 s. Reference in the same run: the same
rows as a bare sqlite3 executemany into a table with the same unique index (what the database
itself costs), so the ratio shows the importer's overhead (CSV parsing, validation, upserts).
"""

from __future__ import annotations

import csv
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNT = int(os.environ.get("BENCH_TARGETS", "1000000"))
REGIONS = ("11", "12", "13", "14", "15")
HEADER = ["code", "name", "region", "entity_type", "risk_class"]
HEADER += ["size", "sector", "area", "related", "status"]


def rows() -> object:
    for i in range(COUNT):
        yield [
            f"MS{i:012d}",
            f"市场主体{i}",
            REGIONS[i % 5],
            "食品生产企业" if i % 3 else "特种设备使用单位",
            "ABCD"[i % 4],
            "小型",
            "制造业",
            f"区{i % 17}",
            "",
            "",
        ]


def write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows())  # type: ignore[arg-type]


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def ticcoop(*words: str) -> list[str]:
    return [sys.executable, "-m", "ticcoop.cli", *words]


def bench_import(database_url: str, label: str, csv_path: Path) -> float:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    subprocess.run(ticcoop("migrate", "-v0"), env=env, check=True)
    seconds, peak = run_child(ticcoop("import-targets", str(csv_path)), env)
    print(
        f"{label:<30} {COUNT:>9,} rows  {seconds:7.1f} s  {COUNT / seconds:9,.0f} rows/s  "
        f"peak RSS {peak:7.1f} MiB (max over children so far)"
    )
    return seconds


def bench_bare(path: Path, csv_path: Path) -> float:
    start = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE t (code TEXT UNIQUE, name TEXT, region INT, entity_type TEXT, "
        "risk_class TEXT, size TEXT, sector TEXT, area TEXT, related TEXT, status TEXT)"
    )
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        connection.executemany("INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?)", reader)
    connection.commit()
    connection.close()
    seconds = time.perf_counter() - start
    print(f"{'reference: bare executemany':<30} {COUNT:>9,} rows  {seconds:7.1f} s")
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = folder / "targets.csv"
        write_csv(csv_path)
        size_mib = csv_path.stat().st_size / 2**20
        print(f"CSV: {COUNT:,} rows, {size_mib:.1f} MiB")
        reference = bench_bare(folder / "bare.sqlite3", csv_path)
        seconds = bench_import(
            f"sqlite:///{folder / 'db.sqlite3'}", "ticcoop import-targets", csv_path
        )
        print(
            f"ratio import / bare executemany: {seconds / reference:.1f}x; target <= 60 s: "
            f"{'met' if seconds <= 60 else 'NOT met'}"
        )
        postgres = os.environ.get("BENCH_POSTGRES_URL")
        if postgres:
            bench_import(postgres, "ticcoop import-targets (pg)", csv_path)


if __name__ == "__main__":
    main()
