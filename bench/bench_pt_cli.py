"""``ticcoop pt stats`` on a CSV of 1,000,000 results against a plain NumPy script.

Both run as fresh processes on the same file (so both pay interpreter start-up and imports);
the reference reads the column with ``numpy.loadtxt`` and runs Algorithm A (ISO 13528:2022
C.3.1, sig3 stopping) in plain NumPy.  The robust mean and SD must agree.  CPU time of each
child process, wall time, peak memory (max RSS) and the ratio are printed.  Target: ≤ 2×.
BENCH_PT_ROWS sets the number of rows (default 1,000,000).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROWS = int(os.environ.get("BENCH_PT_ROWS", "1000000"))
TARGET = 2.0

REFERENCE = r"""
import sys, json
import numpy as np
x = np.sort(np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, usecols=1, encoding="utf-8-sig"))
p = x.size
m = float(np.median(x)); s = 1.483 * float(np.median(np.abs(x - m)))
def third(v):
    return int(f"{abs(v):.2e}".split("e")[1]) - 2
def same(a, b):
    place = third(min(abs(a), abs(b)) or max(abs(a), abs(b)) or 1.0)
    return round(a, -place) == round(b, -place)
for _ in range(1000):
    w = np.clip(x, m - 1.5 * s, m + 1.5 * s)
    nm = float(w.mean()); ns = 1.134 * float(w.std(ddof=1))
    done = same(m, nm) and same(s, ns)
    m, s = nm, ns
    if done:
        break
print(json.dumps({"robust_mean": m, "robust_sd": s}))
"""


def child(args: list[str]) -> tuple[dict[str, float], float, float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak_mib = after.ru_maxrss / 1024  # the largest child so far
    return json.loads(done.stdout), cpu, wall, peak_mib


def main() -> None:
    rng = np.random.default_rng(13528)
    values = rng.normal(10.0, 0.5, ROWS)
    values[:: max(ROWS // 50, 1)] += 5.0  # outliers, as a real round has
    with tempfile.TemporaryDirectory(prefix="ticcoop-bench-pt-") as folder:
        path = Path(folder) / "results.csv"
        with path.open("w", encoding="utf-8") as handle:
            handle.write("lab,Pb\n")
            handle.writelines(f"L{i:07d},{v:.6f}\n" for i, v in enumerate(values))
        ref, ref_cpu, ref_wall, ref_peak = child([sys.executable, "-c", REFERENCE, str(path)])
        command = [sys.executable, "-m", "ticcoop.cli", "pt", "stats", str(path), "--column", "Pb"]
        ours, cpu, wall, peak = child(command)
    print(f"== ticcoop pt stats on {ROWS:,} rows ==")
    print(
        f"reference: NumPy script   {ref_cpu:6.2f} s CPU {ref_wall:6.2f} s wall {ref_peak:6.0f} MiB"
    )
    print(
        f"ticcoop pt stats        {cpu:6.2f} s CPU {wall:6.2f} s wall {peak:5.0f} MiB (max so far)"
    )
    print(f"ratio (CPU) {cpu / ref_cpu:.2f}  target <= {TARGET}")
    for key in ("robust_mean", "robust_sd"):
        assert abs(ours[key] - ref[key]) <= 1e-9 * abs(ref[key]), (key, ours[key], ref[key])
    print(f"same output: x* {ours['robust_mean']:.6f}  s* {ours['robust_sd']:.6f}")
    from _measure import report_row  # issue 17's table (bench/summary.py)

    report_row(
        "pt-stats", f"{ROWS:,} rows: {cpu:.2f} s CPU", f"NumPy script {ref_cpu:.2f} s CPU",
        f"{cpu / ref_cpu:.1f}x CPU", f"<= {TARGET}x", cpu / ref_cpu <= TARGET,
    )  # fmt: skip


if __name__ == "__main__":
    main()
