"""Measure one child process on its own: wall time, CPU time and peak memory of that child only.

``resource.getrusage(RUSAGE_CHILDREN)`` reports the largest child *so far*, so a ``migrate``
run before the timed command would leak into its peak memory.  ``os.wait4`` returns the
resource usage of exactly the child it reaps, which is what every figure here uses.
(Not a ``bench_*.py`` script: ``make bench`` does not run it; the scripts import it.)
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    wall: float
    cpu: float
    peak_mib: float
    stdout: str

    def line(self, label: str, rows: int, unit: str = "rows") -> str:
        rate = rows / max(self.wall, 1e-9)
        return (
            f"{label:<34} {rows:>9,} {unit}  {self.cpu:7.1f} s CPU  {self.wall:7.1f} s wall  "
            f"{rate:9,.0f} {unit}/s (wall)  peak RSS {self.peak_mib:7.1f} MiB"
        )


def run_measured(args: list[str], env: dict[str, str] | None = None) -> Measure:
    """Run ``args`` to completion; raise if it fails; return that child's own usage."""
    start = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    stdout = process.stdout.read()  # drained before waiting, so a full pipe cannot block it
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, args, stdout)
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout)


def ratio_line(label: str, ours: Measure, reference: Measure, target: float | None = None) -> str:
    cpu, wall = ours.cpu / max(reference.cpu, 1e-9), ours.wall / max(reference.wall, 1e-9)
    verdict = ""
    if target is not None:
        verdict = f"  target <= {target:g}x (CPU): {'met' if cpu <= target else 'NOT met'}"
    return f"ratio {label}: {cpu:.1f}x CPU, {wall:.1f}x wall{verdict}"


def ticcoop(*words: str) -> list[str]:
    """The ``ticcoop`` command line in a fresh interpreter."""
    return [sys.executable, "-m", "ticcoop.cli", *words]


def production_env(database_url: str) -> dict[str, str]:
    """Environment for a child run as in production: DEBUG off (no query log), own key."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_hex(32),  # DEBUG=0 refuses the public default key
    }


# --- Issue 17's table: one row per measured path, collected by `make bench` ---------------------
# A script calls report_row() once at its end; the row is printed and, when BENCH_ROWS_FILE names
# a file (make bench sets it), appended to it as one JSON line.  bench/summary.py prints the table.
ROWS_FILE_ENV = "BENCH_ROWS_FILE"
SCALE = os.environ.get("BENCH_SCALE", "full")  # "small": a quick run of every script


def scaled(full: int, small: int) -> int:
    """``full`` for the figures of issue 17, ``small`` when BENCH_SCALE=small (quick runs)."""
    return small if SCALE == "small" else full


def report_row(
    key: str,
    ours: str,
    reference: str,
    ratio: str,
    target: str,
    met: bool | None,
    note: str = "",
) -> None:
    """One row of issue 17's table: our figure, the reference measured in the same run, the
    ratio, the target and whether it is met (None: no target).  ``key`` names the row
    (``summary.ROWS``)."""
    row = {
        "key": key,
        "ours": ours,
        "reference": reference,
        "ratio": ratio,
        "target": target,
        "met": met,
        "note": note,
        "scale": SCALE,
        "script": os.path.basename(sys.argv[0]),
    }
    verdict = "no target" if met is None else ("met" if met else "NOT met")
    print(f"ROW {key}: {ours} | reference {reference} | {ratio} | {target}: {verdict}")
    path = os.environ.get(ROWS_FILE_ENV)
    if path:
        import json

        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
