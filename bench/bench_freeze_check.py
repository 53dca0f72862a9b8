"""Benchmark the freeze check (docs/methods/feasibility.md): 1M targets × 5,000 inspectors.

Run: ``.venv/bin/python bench/bench_freeze_check.py`` (under a minute on 2 cores).

Input, built in memory (the check is pure; no database is touched): 1,000,000 targets.csv
rows in 5 regions × 4 risk classes × 3 items (rates 5 %, 10 %, 20 %, 50 % by class,
2 replacements per stratum), every third row with a group institution; 5,000 inspectors
(5 regions, employers drawn from the targets' institutions so that conflicts exist,
~9 % declared ties, 30 recent targets each), capacity 1–6; teams of 3 with
``at_least_one_other``.

Reference, in the same run: one pass over the rows doing the least any snapshot check
must do — count each stratum and collect each region's ids (a ``dict``/``set`` loop).
Times are CPU seconds (process_time), best of 3; the ratio is check / reference.
Target: check ≤ 5 s.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from ticcoop.methods.feasibility import check_feasibility
from ticcoop.methods.manifest_files import TargetRow
from ticcoop.methods.strata import StratumKey
from ticcoop.methods.team_rules import Inspector

REGIONS = ("11", "12", "13", "14", "15")
ITEMS = ("食品", "环境", "机动车")
RATES = {"A": "0.05", "B": "0.1", "C": "0.2", "D": "0.5"}
TARGETS = 1_000_000
INSPECTORS = 5_000


def build(rng: random.Random) -> tuple[list[TargetRow], list[Inspector], dict[StratumKey, str]]:
    rows = []
    per_item = TARGETS // len(ITEMS)
    groups = [f"GRP-{n:05d}" for n in range(2_000)]
    for n in range(per_item):
        region = REGIONS[n % len(REGIONS)]
        risk = "ABCD"[n * 7 % 4]
        own = f"T{n:07d}"
        institutions = frozenset({own, groups[n % len(groups)]}) if n % 3 == 0 else frozenset()
        for item in ITEMS:
            rows.append(TargetRow(own, "x", region, risk, item, institutions=institutions))
    rows.extend(rows[: TARGETS - len(rows)])  # exactly 1M rows (ids repeat across items only)
    rows = rows[:TARGETS]
    ids = [row.id for row in rows[:: len(ITEMS)]]
    inspectors = [
        Inspector(
            f"INS-{n:06d}",
            REGIONS[n % len(REGIONS)],
            rng.choice(groups[:800]) if n % 2 else f"GOV-{n % 5}",
            rng.randint(1, 6),
            ties=frozenset({rng.choice(ids)}) if rng.random() < 0.09 else frozenset(),
            recent_targets=frozenset(rng.sample(ids, 30)),
        )
        for n in range(INSPECTORS)
    ]
    rates = {StratumKey(r, c, i): RATES[c] for r in REGIONS for c in RATES for i in ITEMS}
    return rows, inspectors, rates


def reference(rows: list[TargetRow]) -> int:
    sizes: dict[tuple[str, str, str], int] = {}
    ids: dict[str, set[str]] = {region: set() for region in REGIONS}
    for row in rows:
        key = (row.region, row.risk_class, row.item)
        sizes[key] = sizes.get(key, 0) + 1
        ids[row.region].add(row.id)
    return len(sizes)


def best_of(runs: int, action) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    best_cpu = best_wall = float("inf")
    result = None
    for _ in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        result = action()
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_cpu, best_wall, result


def run(label: str, rows, inspectors, rates, ref_cpu: float) -> float:  # type: ignore[no-untyped-def]
    cpu, wall, report = best_of(
        3,
        lambda: check_feasibility(
            rows, inspectors, rates, replacements=2, size=3, rule="at_least_one_other"
        ),
    )
    print(
        f"freeze check, {label}: {cpu:.2f} s CPU ({wall:.2f} s wall), "
        f"{cpu / ref_cpu:.2f}× the reference; feasible: {report.feasible}"
    )  # type: ignore[attr-defined]
    print(f"  usable inspectors per region: {dict(report.clean)}")  # type: ignore[attr-defined]
    return cpu


def main() -> None:
    rows, inspectors, rates = build(random.Random(14))
    ref_cpu, ref_wall, _ = best_of(3, lambda: reference(rows))
    print(f"{len(rows):,} target rows × {len(inspectors):,} inspectors, teams of 3")
    print(f"reference (one counting pass): {ref_cpu:.2f} s CPU ({ref_wall:.2f} s wall)")
    worst = run("with conflicts", rows, inspectors, rates, ref_cpu)
    plain = [Inspector(i.id, i.region, f"GOV-{i.region}", i.capacity * 60) for i in inspectors]
    worst = max(
        worst, run("no conflicts, ample capacity (all 31 vertices)", rows, plain, rates, ref_cpu)
    )
    print(f"target ≤ 5 s: {'met' if worst <= 5 else 'MISSED'}")


if __name__ == "__main__":
    main()
