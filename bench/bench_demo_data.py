"""Demo data at scale: `ticcoop demo-data --institutions N` against an executemany of its rows.

Migrates a fresh SQLite file (untimed, own process) and keeps a copy of the empty, migrated
database.  Then, each in its own measured process (``os.wait4``: CPU, wall and peak RSS of
that child only, ``migrate`` not counted):

- ours: ``ticcoop demo-data --institutions N --seed 2025`` (the default seed, the one
  ``make run`` loads);
- reference: a plain sqlite3 script that reads every row the command wrote, in every table
  (all rows past those ``migrate`` left), into memory, then inserts exactly those rows into
  the empty copy with one ``executemany`` per table in one transaction, under the project's
  connection settings (WAL, ``synchronous=NORMAL``, foreign keys on).  It reports the insert
  phase alone (what the database itself costs for the same rows, tables and indexes) and the
  whole child.

Output check: every table holds the same number of rows in both databases.  Target: ≤ 10×
the reference; ≤ 1 GiB peak at 1,000,000 institutions.  BENCH_INSTITUTIONS sets N (default
100,000, issue 17's size; 10,000 with BENCH_SCALE=small).  Above ~18,000 institutions the
demo used to fail (its inspectors stopped growing at
200 per region); they now grow with N, and 30,000 runs (measured 2026-12-03: 247,440 rows,
196.9 s CPU, ratio 72.6x, peak 0.45 GiB; after the bulk publication of the joint batch's
results and one signing-key load per issuer: 237,855 rows, 76.6 s CPU, 29.9x, peak 0.44 GiB;
2026-12-03 again, 286,000 rows: 106.0 s CPU, 25.3x, peak 0.44 GiB; after the historical
certificates, a draw's tasks, the risk-class raises, the institutions and the events moved to
``insert_rows``: 63.8 s CPU, 16.7x, peak 0.32 GiB.  What is left, by step at 30,000 (CPU
s, a loaded machine): certificates 33 (SM2 signing of 24,000 tokens ~11.5, the URLconf
loaded on the first ``reverse`` ~3), PT rounds 8.5 (fixed size: services, participant by
participant), supervision 6.7, record_existing 3.9, inspections 3.3, institutions 2.8,
seal_unlinked 2.4.  At 100,000 (934,257 rows): 178.7 s CPU, 12.6x, peak 0.47 GiB — the peak
still grows with N (~2 KiB per institution from 30,000 to 100,000), so 1 GiB at 1,000,000 is
not met yet (not run at 1M).  After plain-row inserts (``bulk.insert_values``: historical
certificates, institutions, events), reads of only the rows used (a campaign draw's targets,
the certificate histories), charts loading matplotlib/scipy on first use and one kid check per
SM2 key (2026-12-03, a machine loaded by other jobs, same day and load as a run of the code
before: 86.0 s CPU, reference 4.58 s, 18.8x, peak 0.32 GiB): 30,000 → 59.8 s CPU, reference
4.66 s, 12.8x, peak 0.22 GiB; 100,000 (934,259 rows) → 174.7 s CPU, reference 22.49 s (14.15 s
in the earlier run: the reference itself ran slower under the load), 7.8x, peak 0.36 GiB.  The
peak still grows ~1.9 KiB per institution (the freeze holds the whole targets file as rows), and
SM2 signing (~0.5–0.7 ms per token, OpenSSL's generic curve code, 80,000 tokens at 100,000)
is the largest single cost left.  After the experts written in batches, the targets.csv read
row by row (``iter_targets_csv``) and the freeze's rows released before it is re-read
(2026-12-03, back to back with main on a loaded machine): 30,000 → 54.4 s CPU, peak 0.20 GiB
(main 61.1 s, 0.22 GiB); 100,000 → 142.2 s CPU, 10.0x, peak 0.29 GiB (main 153.3 s, 10.3x,
0.36 GiB); 150,000 → peak 0.34 GiB.  Every step but supervision is now flat (~160 MiB before
it at 30,000 and 150,000); supervision still grows ~1.2 KiB per institution (the freeze's
target rows, the audit entry of the frozen batch, which holds targets.csv as text in several
copies while it is written and chained, and the draw's).  1,000,000 did not run at all:
certificate serials (4 digits per year and authority, ``_Serials``) ran out above roughly
180,000 institutions (``IdentifierError: serial 10000``).  After serials per (year,
authority, field) with a used-up sector moving on, the frozen files and the draw's manifest
kept out of audit entries and deferred on every read through a batch (2026-12-03 evening,
quiet machine): 100,000 → 63.0 s CPU, 6.6x, peak 0.28 GiB; **1,000,000 (9,274,322 rows) →
673.4 s CPU, 570.6 s wall, reference 128.0 s CPU, 5.3x, peak 0.88 GiB: both targets met.**
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import production_env, ratio_line, report_row, run_measured, scaled, ticcoop

# issue 17 names 100,000 institutions; BENCH_SCALE=small: 10,000
COUNT = int(os.environ.get("BENCH_INSTITUTIONS", str(scaled(100_000, 10_000))))
SEED = "2025"

REFERENCE = r"""
import json, sqlite3, sys, time
full, empty = sys.argv[1], sys.argv[2]
source = sqlite3.connect(f"file:{full}?mode=ro", uri=True)
target = sqlite3.connect(empty, isolation_level=None)
for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
    target.execute(f"PRAGMA {pragma}")
master = "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
virtual = [n for n, sql in source.execute(master) if sql and sql.startswith("CREATE VIRTUAL")]
tables = [n for n, _ in source.execute(master)
          if not n.startswith("sqlite_") and not any(n.startswith(v + "_") for v in virtual)]
batches = []
for name in tables:
    start = target.execute(f'SELECT coalesce(max(rowid), 0) FROM "{name}"').fetchone()[0]
    # Stored columns only: generated ones (table_xinfo hidden 2 or 3) are computed on insert.
    info = source.execute(f'PRAGMA table_xinfo("{name}")').fetchall()
    columns = ", ".join(f'"{c[1]}"' for c in info if c[6] == 0)
    cursor = source.execute(f'SELECT {columns} FROM "{name}" WHERE rowid > ?', (start,))
    rows = cursor.fetchall()
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        batches.append((f'INSERT INTO "{name}" ({columns}) VALUES ({marks})', rows))
wall, cpu = time.perf_counter(), time.process_time()
target.execute("BEGIN IMMEDIATE")
for sql, rows in batches:
    target.executemany(sql, rows)
target.execute("COMMIT")
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"rows": sum(len(r) for _, r in batches), "tables": len(batches),
                  "insert_cpu": cpu, "insert_wall": wall}))
"""


def counts(path: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ticcoop-bench-demo-") as tmp:
        ours_db, bare_db = Path(tmp) / "demo.sqlite3", Path(tmp) / "bare.sqlite3"
        env = production_env(f"sqlite:///{ours_db}")
        subprocess.run(ticcoop("migrate", "-v0"), env=env, check=True)  # not measured
        shutil.copyfile(ours_db, bare_db)
        ours = run_measured(ticcoop("demo-data", "--institutions", str(COUNT), "--seed", SEED), env)
        reference = run_measured([sys.executable, "-c", REFERENCE, str(ours_db), str(bare_db)])
        phase = json.loads(reference.stdout.strip().splitlines()[-1])
        rows = int(phase["rows"])
        print(f"== demo-data --institutions {COUNT:,} --seed {SEED}: {rows:,} rows written")
        print(
            f"{'reference: executemany, insert only':<34} {rows:>9,} rows  "
            f"{phase['insert_cpu']:7.2f} s CPU  {phase['insert_wall']:7.2f} s wall  "
            f"({phase['tables']} tables)"
        )
        print(reference.line("reference: whole child (read+insert)", rows))
        print(ours.line("ticcoop demo-data (SQLite)", rows))
        ratio = ours.cpu / max(phase["insert_cpu"], 1e-9)
        print(
            f"ratio demo-data / reference insert: {ratio:.1f}x CPU, "
            f"{ours.wall / max(phase['insert_wall'], 1e-9):.1f}x wall; "
            f"target <= 10x: {'met' if ratio <= 10 else 'NOT met'}"
        )
        print(ratio_line("demo-data / reference whole child", ours, reference))
        gib = ours.peak_mib / 1024
        print(f"peak {gib:.2f} GiB at {COUNT:,} institutions (target <= 1 GiB at 1,000,000)")
        # the memory half is judged only where it was measured: at 1,000,000 institutions
        memory_met = COUNT >= 1_000_000 and gib <= 1
        same = counts(ours_db) == counts(bare_db)
        print(f"output: {'same row count in every table' if same else 'DIFFERENT row counts'}")
        if not same:
            raise SystemExit("the reference did not write the same rows as demo-data")
        report_row(  # issue 17's table (bench/summary.py)
            "demo-data", f"{COUNT:,} institutions, {rows:,} rows: {ours.cpu:.1f} s CPU, "
            f"peak {gib:.2f} GiB", f"executemany of the same rows {phase['insert_cpu']:.2f} s CPU",
            f"{ratio:.1f}x CPU", "<= 10x the reference, <= 1 GiB at 1M (judged only at 1M)",
            ratio <= 10 and memory_met,
        )  # fmt: skip


if __name__ == "__main__":
    main()
