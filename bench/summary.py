"""Print issue 17's table from the rows the bench scripts wrote (``make bench`` runs this last).

Usage: ``python bench/summary.py ROWS_FILE [FAILED_SCRIPT ...]``.  ROWS_FILE holds one JSON
object per line (``_measure.report_row``).  Every row of the issue is printed, in the issue's
order; a row no script reported says so (and which script should have), so a missing figure
is never silently dropped.  Rows not in the issue (extra scripts) follow.  (Not a
``bench_*.py`` script: ``make bench`` does not run it as a benchmark.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

# (key, the path as issue 17 names it, the script that measures it)
ROWS = [
    ("draw", "verifiable draw, 5 % of 1M / 10M ids", "bench_draw.py"),
    ("assign", "team assignment, 50k targets × 5k inspectors", "bench_draw.py"),
    ("algorithm-a", "Algorithm A, 1e6 values (in memory)", "bench_algorithm_a.py"),
    ("pt-stats", "ticcoop pt stats FILE.csv, 1e6 rows", "bench_pt_cli.py"),
    ("pt-round", "PT round 1,000 × 20: evaluation + report", "bench_pt_round.py"),
    ("import-targets", "ticcoop import-targets 1M rows", "bench_supervision.py"),
    ("demo-data", "ticcoop demo-data --institutions 100000", "bench_demo_data.py"),
    ("registry-import", "registry import 100k certificates, PostgreSQL", "bench_registry.py"),
    ("search-1", "public search, PostgreSQL, 100k institutions, 1 client", "bench_web.py"),
    ("search-8", "public search, 8 clients, 2 workers", "bench_web.py"),
    ("verify-8", "verify token / verify page, 8 clients", "bench_web.py"),
    ("charts", "chart PNGs on PT pages", "bench_pt_round.py"),
]


def read_rows(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def verdict(met: object) -> str:
    if met is None:
        return "no target"
    return "[green]met[/green]" if met else "[bold red]NOT met[/bold red]"


def table(rows: list[dict[str, object]], failed: list[str]) -> Table:
    by_key: dict[str, dict[str, object]] = {}
    for row in rows:
        by_key[str(row["key"])] = row  # the last report of a key wins
    result = Table(title="issue 17: every path, the reference in the same run", show_lines=True)
    for column in ("path", "ours", "reference (same run)", "ratio", "target", "verdict"):
        result.add_column(column, overflow="fold")
    known = set()
    for key, label, script in ROWS:
        known.add(key)
        row = by_key.get(key)
        if row is None:
            why = "script failed" if script in failed else "not reported"
            result.add_row(label, f"[yellow]{why}[/yellow] ({script})", "", "", "", "")
            continue
        ours = str(row["ours"]) + (f"\n{row['note']}" if row.get("note") else "")
        result.add_row(
            label,
            ours,
            str(row["reference"]),
            str(row["ratio"]),
            str(row["target"]),
            verdict(row["met"]),
        )
    for key, row in by_key.items():
        if key not in known:
            result.add_row(
                f"{key} ({row.get('script', '')})",
                str(row["ours"]),
                str(row["reference"]),
                str(row["ratio"]),
                str(row["target"]),
                verdict(row["met"]),
            )
    return result


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    rows = read_rows(Path(argv[0]))
    failed = argv[1:]
    console = Console(width=160)
    console.print(table(rows, failed))
    scales = sorted({str(row.get("scale", "full")) for row in rows})
    console.print(f"scale: {', '.join(scales) or '-'} (BENCH_SCALE=small is a quick run)")
    if failed:
        console.print(f"[bold red]failed scripts: {', '.join(failed)}[/bold red]")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
