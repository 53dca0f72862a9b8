"""Signatures: Ed25519 against SM2, per token and in a bulk certificate import.

1. Sign and verify a typical certificate token (``methods.signing``) for each algorithm:
   tokens per second (CPU and wall), with the bare library call on the same bytes as the
   reference in the same run (``cryptography`` Ed25519, ``tongsuopy`` SM2) and the ratio.
2. ``ticcoop import-registry`` of N certificates (``--certificates N``, else BENCH_CERTIFICATES,
   default 100000; each certificate's first version is signed) into a fresh SQLite database
   under a unique temporary folder, DEBUG off, once with ``TICCOOP_SIGNING_ALGORITHM=Ed25519``
   and once with ``SM2``, each measured in its own child (``_measure.run_measured``: CPU, wall,
   peak RSS).  Both databases are checked (N versions; all SM2 tokens, or none).  The Ed25519
   import is the reference; target: SM2 ≤ 1.5× its CPU time.

``python bench/bench_signing.py [--certificates N] [--no-import | --no-tokens]``
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_registry  # the same generated registry files
from _measure import Measure, production_env, ratio_line, report_row, run_measured, ticcoop
from ticcoop.methods import signing, sm2

COUNT = int(os.environ.get("BENCH_CERTIFICATES", "100000"))
FIELDS: dict[str, str | int] = {
    "no": "261300170001",
    "name": "河北华北精诚检测技术有限公司",
    "ucc": "91130100MA0XXXXX1X",
    "issued": "2026-03-01",
    "expires": "2032-02-29",
    "status": "valid",
    "v": 1,
    "scope": "3f" * 32,
}


def rate(label: str, work: Callable[[], object], count: int) -> float:
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(count):
        work()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"  {label:<34} {count / cpu:9.0f}/s CPU  {count / wall:9.0f}/s wall")
    return count / cpu


def per_token(algorithm: str) -> dict[str, float]:
    key = signing.generate_key("13", algorithm=algorithm)
    keys = signing.PublicKeySet([key.public])
    token = signing.sign_payload(FIELDS, key.private_key, key.kid)
    signed = token.rpartition(".")[0].encode("ascii")
    count = 20000 if algorithm == "Ed25519" else 4000
    if algorithm == "SM2":
        bare_sign: Callable[[], object] = partial(sm2.sign, key.private_key, signed)
    else:
        bare_sign = partial(key.private_key.sign, signed)
    print(f"{algorithm} (token {len(token)} characters)")
    ours = rate(
        "sign_payload", partial(signing.sign_payload, FIELDS, key.private_key, key.kid), count
    )
    bare = rate("reference: bare library sign", bare_sign, count)
    print(f"  ratio bare/ours (sign) {bare / ours:.2f}")
    verified = rate("verify_payload", partial(signing.verify_payload, token, keys), count)
    return {"sign": ours, "verify": verified}


def count_tokens(database: Path) -> tuple[int, int]:
    """(certificate versions, of which SM2 tokens) in one benchmark database."""
    with sqlite3.connect(database) as connection:
        total, sm2_tokens = connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(token LIKE 'TC1-SM2.%'), 0)"
            " FROM certificates_certificateversion"
        ).fetchone()
    return int(total), int(sm2_tokens)


def import_run(algorithm: str, files: tuple[Path, Path, Path], folder: Path) -> Measure:
    database = folder / f"bench-{algorithm}.sqlite3"
    env = {
        **production_env(f"sqlite:///{database}"),
        "TICCOOP_VAR_DIR": str(folder),
        "TICCOOP_SIGNING_ALGORITHM": algorithm,
        "DJANGO_SUPERUSER_PASSWORD": "bench-pass",
    }
    quiet = {"env": env, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run(ticcoop("migrate", "-v0"), **quiet)  # type: ignore[call-overload]
    user = ("createsuperuser", "--noinput", "--username", "bench", "--email", "b@x.invalid")
    subprocess.run(ticcoop(*user), **quiet)  # type: ignore[call-overload]
    institutions = ticcoop("import-registry", str(files[0]), "--user", "bench")
    subprocess.run(institutions, **quiet)  # type: ignore[call-overload]
    measure = run_measured(ticcoop("import-registry", str(files[1]), "--user", "bench"), env)
    total, sm2_tokens = count_tokens(database)
    expected_sm2 = total if algorithm == "SM2" else 0
    if total < COUNT or sm2_tokens != expected_sm2:  # both runs did the same, complete work
        raise SystemExit(f"{algorithm} import wrote {total} versions, {sm2_tokens} SM2 tokens")
    print(measure.line(f"import, {algorithm} tokens", COUNT, "certificates"))
    return measure


def bulk_import() -> None:
    print(f"== import-registry of {COUNT:,} certificates (SQLite, DEBUG off) ==")
    with tempfile.TemporaryDirectory(prefix="ticcoop-bench-signing-") as name:
        folder = Path(name)
        bench_registry.COUNT = COUNT
        files = bench_registry.write_files(folder)
        reference = import_run("Ed25519", files, folder)
        ours = import_run("SM2", files, folder)
    print("reference: the Ed25519 import of the same files in this run")
    print(ratio_line("SM2/Ed25519 import", ours, reference, target=1.5))
    cpu, wall = ours.cpu / reference.cpu, ours.wall / reference.wall
    print(f"  SM2/Ed25519 to three places: {cpu:.3f} CPU, {wall:.3f} wall")
    report_row(  # a row beside issue 17's table (bench/summary.py)
        "signing-import", f"import {COUNT:,} certificates signed SM2: {ours.cpu:.1f} s CPU",
        f"the same with Ed25519 {reference.cpu:.1f} s CPU", f"{cpu:.2f}x", "<= 1.5x", cpu <= 1.5,
    )  # fmt: skip


def main() -> None:
    global COUNT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--certificates",
        type=int,
        default=COUNT,
        help="certificates imported (default %(default)s)",
    )
    parser.add_argument("--no-import", action="store_true", help="only the per-token figures")
    parser.add_argument("--no-tokens", action="store_true", help="only the bulk import")
    options = parser.parse_args()
    COUNT = options.certificates
    if not options.no_tokens:
        print("== per token (typical certificate payload), CPU and wall ==")
        rates = {name: per_token(name) for name in signing.ALGORITHMS}
        for what in ("sign", "verify"):
            sm2_rate, ed_rate = rates["SM2"][what], rates["Ed25519"][what]
            print(f"  {what}: SM2 {sm2_rate:,.0f}/s, Ed25519 {ed_rate:,.0f}/s (CPU); "
                  f"Ed25519/SM2 = {ed_rate / sm2_rate:.1f}x")  # fmt: skip
    if not options.no_import:
        bulk_import()


if __name__ == "__main__":
    main()
