"""10,000-row imports with their audit entries: CPU and wall seconds per step (SQLite).

Registry (institutions, certificates, scopes, then every institution changed, then the same
file again) and target directory (new, then every row changed), each a `ticcoop` process
on a fresh temporary database; prints the audit entries and chain links written.
BENCH_ROWS sets the row count (default 10000).
"""

from __future__ import annotations

import csv
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))
ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
os.environ["BENCH_INSTITUTIONS"] = str(ROWS)

import bench_registry  # noqa: E402 - reads BENCH_INSTITUTIONS at import
from bench_registry import ticcoop  # noqa: E402

TARGET_HEADER = "code,name,region,entity_type,risk_class,size,sector,area,related,status\n"


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(ticcoop(*args), env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def files(folder: Path) -> list[tuple[str, list[str]]]:
    institutions, certificates, scopes = bench_registry.write_files(folder)
    rows = list(csv.reader(institutions.read_text(encoding="utf-8-sig").splitlines()))
    for row in rows[1:]:
        row[5] = "张三"  # every contact person changes
    changed = folder / "institutions-changed.csv"
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    changed.write_text(text.getvalue(), encoding="utf-8")
    targets, targets_changed = folder / "targets.csv", folder / "targets-changed.csv"
    line = "T{0:08d},对象{0}{1},{2},食品生产企业,{3},小型,食品,城区,,active\n"
    for path, suffix, risk in ((targets, "", "B"), (targets_changed, "改", "C")):
        body = "".join(line.format(i, suffix, 11 + i % 5, risk) for i in range(ROWS))
        path.write_text(TARGET_HEADER + body, encoding="utf-8")
    return [
        (f"registry: {ROWS:,} new institutions", ["import-registry", str(institutions)]),
        (f"registry: {ROWS:,} new certificates", ["import-registry", str(certificates)]),
        (f"registry: {2 * ROWS:,} scope rows", ["import-registry", str(scopes)]),
        (f"registry: {ROWS:,} changed institutions", ["import-registry", str(changed)]),
        ("registry: the same file again", ["import-registry", str(changed)]),
        (f"targets: {ROWS:,} new", ["import-targets", str(targets)]),
        (f"targets: {ROWS:,} changed", ["import-targets", str(targets_changed)]),
    ]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ticcoop-bench-audit-") as name:
        folder = Path(name)
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "TICCOOP_VAR_DIR": str(folder),
            "PYTHONPATH": str(ROOT / "src"),
        }
        steps = files(folder)
        subprocess.run(ticcoop("migrate", "-v0"), env=env, check=True)
        create = "from django.contrib.auth.models import User; User.objects.create_superuser('root', 'r@x.invalid', 'bench-pw-1')"  # noqa: E501
        subprocess.run(ticcoop("shell", "-c", create), env=env, check=True, capture_output=True)
        for label, args in steps:
            wall, cpu = run(args, env)
            print(f"{label:40s} cpu {cpu:6.2f} s   wall {wall:6.2f} s")
        count = (
            "from auditlog.models import LogEntry; from ticcoop.audit.models import ChainLink; "
            "print('audit entries', LogEntry.objects.count(), 'chain links', ChainLink.objects.count())"  # noqa: E501
        )
        out = subprocess.run(
            ticcoop("shell", "-c", count), env=env, check=True, capture_output=True, text=True
        )
        print(out.stdout.strip().splitlines()[-1])
        wall, cpu = run(["audit", "verify", "--no-progress"], env)
        print(f"{'ticcoop audit verify':40s} cpu {cpu:6.2f} s   wall {wall:6.2f} s")


if __name__ == "__main__":
    main()
