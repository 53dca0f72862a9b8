"""Signatures: Ed25519 against SM2, per token and in a bulk certificate import.

1. Sign and verify a typical certificate token (``methods.signing``) for each algorithm:
   tokens per second (CPU and wall), with the bare library call on the same bytes as the
   reference in the same run (``cryptography`` Ed25519, ``tongsuopy`` SM2) and the ratio.
2. ``ticcoop import-registry`` of N certificates (BENCH_CERTIFICATES, default 100000; each
   certificate's first version is signed) into a fresh SQLite database under a unique
   temporary folder, once with ``TICCOOP_SIGNING_ALGORITHM=Ed25519`` and once with ``SM2``.
   The Ed25519 import is the reference; target: SM2 ≤ 1.5× its wall time.
"""

from __future__ import annotations

import os
import resource
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


def per_token(algorithm: str) -> None:
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
    rate("verify_payload", partial(signing.verify_payload, token, keys), count)


def import_seconds(algorithm: str, files: tuple[Path, Path, Path], folder: Path) -> float:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / f'bench-{algorithm}.sqlite3'}",
        "TICCOOP_VAR_DIR": str(folder),
        "TICCOOP_SIGNING_ALGORITHM": algorithm,
        "DJANGO_SUPERUSER_PASSWORD": "bench-pass",
    }
    quiet = {"env": env, "check": True, "stdout": subprocess.DEVNULL}
    command = [sys.executable, "-m", "ticcoop.cli"]
    subprocess.run([*command, "migrate", "-v0"], **quiet)  # type: ignore[call-overload]
    user = ("createsuperuser", "--noinput", "--username", "bench", "--email", "b@x.invalid")
    subprocess.run([*command, *user], **quiet)  # type: ignore[call-overload]
    institutions = [*command, "import-registry", str(files[0]), "--user", "bench"]
    subprocess.run(institutions, **quiet)  # type: ignore[call-overload]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    certificates = [*command, "import-registry", str(files[1]), "--user", "bench"]
    subprocess.run(certificates, **quiet)  # type: ignore[call-overload]
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(f"  import {COUNT} certificates, {algorithm:<7} {wall:7.1f} s wall {cpu:7.1f} s CPU")
    return wall


def bulk_import() -> None:
    print(f"== import-registry of {COUNT} certificates (SQLite) ==")
    with tempfile.TemporaryDirectory(prefix="ticcoop-bench-signing-") as name:
        folder = Path(name)
        bench_registry.COUNT = COUNT
        files = bench_registry.write_files(folder)
        reference = import_seconds("Ed25519", files, folder)
        sm2_seconds = import_seconds("SM2", files, folder)
    ratio = sm2_seconds / reference
    print(f"  reference: Ed25519 import; SM2/Ed25519 = {ratio:.2f} (target <= 1.5)")
    from _measure import report_row  # a row beside issue 17's table (bench/summary.py)

    report_row(
        "signing-import", f"import {COUNT:,} certificates signed SM2: {sm2_seconds:.1f} s wall",
        f"the same with Ed25519 {reference:.1f} s", f"{ratio:.2f}x", "<= 1.5x", ratio <= 1.5,
    )  # fmt: skip


if __name__ == "__main__":
    print("== per token (typical certificate payload) ==")
    for name in signing.ALGORITHMS:
        per_token(name)
    bulk_import()
