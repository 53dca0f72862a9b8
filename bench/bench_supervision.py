"""Target directory import at scale: `ticcoop import-targets FILE` against a bare executemany.

Writes a CSV of BENCH_TARGETS rows (default 1,000,000) and migrates a fresh SQLite file
(untimed, in its own process).  A copy of that migrated file goes to the reference, so both
sides write into the same schema: the project's table with its three indexes (unique code,
region, region + entity type), foreign keys on, WAL with ``synchronous=NORMAL`` (the
project's connection settings) and the same bulk-work pragmas as the importer.

- reference: a 30-line sqlite3 script in a fresh process that reads the same CSV with
  ``csv.reader`` and inserts the same rows with one ``executemany`` in one transaction
  (what parsing plus the database itself cost; no validation);
- ours: ``ticcoop import-targets FILE`` in a fresh process (validation, row-precise errors,
  duplicate and institution-code checks, upsert, audit record).

Each side is its own child process, measured with ``os.wait4`` (CPU, wall, peak RSS of that
child only: ``migrate`` is not counted).  The imported tables must hold identical rows
(SHA-256 over every row in code order).  Target: ≤ 60 s and ≤ 3× the reference (CPU).
With BENCH_POSTGRES_URL (a server URL, e.g. postgres://postgres@127.0.0.1:5432) both also run
on PostgreSQL, in a database ``ticcoop_bench_<random>`` this run creates and drops: the
reference COPYs the same rows straight into the table (psycopg 3), then the table is emptied
and the command imports them (COPY into a temporary table, one upsert); row counts compared.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _measure import Measure, production_env, ratio_line, report_row, run_measured, ticcoop

COUNT = int(os.environ.get("BENCH_TARGETS", "1000000"))
REGIONS = ("11", "12", "13", "14", "15")
HEADER = ["code", "name", "region", "entity_type", "risk_class"]
HEADER += ["size", "sector", "area", "related", "status"]
TABLE_COLUMNS = (
    "code, name, region_id, entity_type, risk_class, size, sector, area, related, status"
)
PG_DB = f"ticcoop_bench_{secrets.token_hex(6)}"  # unique: never another run's database

# The same pragmas as ticcoop.config.settings (WAL, synchronous=NORMAL), Django's
# foreign_keys=ON, and ticcoop.supervision.services.importing.BULK_PRAGMAS.
REFERENCE = r"""
import csv, sqlite3, sys
from datetime import datetime, timezone
db = sqlite3.connect(sys.argv[1], isolation_level=None)
for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
               "cache_size=-131072"):
    db.execute(f"PRAGMA {pragma}")
regions = dict(db.execute("SELECT code, id FROM regions_region"))
now = datetime.now(timezone.utc).isoformat(" ")
db.execute("BEGIN IMMEDIATE")
with open(sys.argv[2], encoding="utf-8", newline="") as handle:
    reader = csv.reader(handle)
    next(reader)
    db.executemany(
        "INSERT INTO supervision_target (code, name, entity_type, risk_class, size, sector, "
        "area, related, status, region_id, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        ((c, n, e, k, s, sec, a, rel, st or "active", regions[r], now)
         for c, n, r, e, k, s, sec, a, rel, st in reader),
    )
db.execute("COMMIT")
db.close()
"""

# PostgreSQL: the same rows COPYed straight into the table (no validation, no upsert).
PG_REFERENCE = r"""
import csv, sys
from datetime import datetime, timezone
import psycopg
with psycopg.connect(sys.argv[1]) as db:
    regions = dict(db.execute("SELECT code, id FROM regions_region").fetchall())
    now = datetime.now(timezone.utc)
    columns = ("code, name, entity_type, risk_class, size, sector, area, related, status, "
               "region_id, updated_at")
    with open(sys.argv[2], encoding="utf-8", newline="") as handle, db.cursor() as cursor:
        reader = csv.reader(handle)
        next(reader)
        with cursor.copy(f"COPY supervision_target ({columns}) FROM STDIN") as copy:
            for c, n, r, e, k, s, sec, a, rel, st in reader:
                copy.write_row((c, n, e, k, s, sec, a, rel, st or "active", regions[r], now))
    print(db.execute("SELECT count(*) FROM supervision_target").fetchone()[0])
"""


def rows() -> Iterator[list[str]]:
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
        writer.writerows(rows())


def fingerprint(path: Path) -> tuple[int, str]:
    """Row count and SHA-256 of every imported row, in code order (output check)."""
    digest = hashlib.sha256()
    count = 0
    with contextlib.closing(sqlite3.connect(path)) as db:
        query = f"SELECT {TABLE_COLUMNS} FROM supervision_target ORDER BY code"  # noqa: S608
        for row in db.execute(query):
            digest.update(repr(row).encode())
            count += 1
    return count, digest.hexdigest()[:16]


def psycopg_connection(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


@contextlib.contextmanager
def postgres_database(server: str) -> Iterator[str]:
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {PG_DB}")
    try:
        yield f"{server.rstrip('/')}/{PG_DB}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")  # ours only


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ticcoop-bench-targets-") as tmp:
        folder = Path(tmp)
        csv_path = folder / "targets.csv"
        write_csv(csv_path)
        print(f"== import-targets: {COUNT:,} rows, CSV {csv_path.stat().st_size / 2**20:.1f} MiB")
        ours_db, bare_db = folder / "db.sqlite3", folder / "bare.sqlite3"
        env = production_env(f"sqlite:///{ours_db}")
        subprocess.run(ticcoop("migrate", "-v0"), env=env, check=True)  # not measured
        shutil.copyfile(ours_db, bare_db)
        reference = run_measured([sys.executable, "-c", REFERENCE, str(bare_db), str(csv_path)])
        print(reference.line("reference: sqlite3 executemany", COUNT))
        ours = run_measured(ticcoop("import-targets", str(csv_path)), env)
        print(ours.line("ticcoop import-targets (SQLite)", COUNT))
        print(ratio_line("import / reference", ours, reference, target=3.0))
        print(f"target <= 60 s wall: {'met' if ours.wall <= 60 else 'NOT met'}")
        same = fingerprint(ours_db) == fingerprint(bare_db)
        print(f"output: {'identical rows' if same else 'DIFFERENT rows'} in both tables")
        if not same:
            raise SystemExit("import-targets and the reference wrote different rows")
        cpu_ratio = ours.cpu / max(reference.cpu, 1e-9)
        report_row(  # issue 17's table (bench/summary.py)
            "import-targets", f"{COUNT:,} rows: {ours.cpu:.1f} s CPU, {ours.wall:.1f} s wall",
            f"sqlite3 executemany {reference.cpu:.1f} s CPU", f"{cpu_ratio:.1f}x CPU",
            "<= 60 s and <= 3x bare", ours.wall <= 60 and cpu_ratio <= 3,
        )  # fmt: skip
        server = os.environ.get("BENCH_POSTGRES_URL")
        if server:
            with postgres_database(server) as url:
                pg_env = production_env(url)
                subprocess.run(ticcoop("migrate", "-v0"), env=pg_env, check=True)
                pg_reference = run_measured(
                    [sys.executable, "-c", PG_REFERENCE, url, str(csv_path)]
                )
                print(pg_reference.line("reference: psycopg COPY (PostgreSQL)", COUNT))
                pg_count = pg_reference.stdout.strip()
                with psycopg_connection(url) as db:  # empty again for the command
                    db.execute("TRUNCATE supervision_target CASCADE")  # referencing tables: empty
                measure: Measure = run_measured(ticcoop("import-targets", str(csv_path)), pg_env)
                print(measure.line("ticcoop import-targets (PostgreSQL)", COUNT))
                print(
                    ratio_line("import / COPY reference (PostgreSQL)", measure, pg_reference)
                    + " (client CPU only: the server's work shows in wall time)"
                )
                with psycopg_connection(url) as db:
                    count = db.execute("SELECT count(*) FROM supervision_target").fetchone()
                if str(count[0] if count else 0) != pg_count:
                    raise SystemExit(f"PostgreSQL rows differ: {count} vs {pg_count}")


if __name__ == "__main__":
    main()
