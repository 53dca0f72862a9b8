"""``ticcoop draw verify``: check a published draw manifest against its CSV files.

    ticcoop draw verify MANIFEST --targets CSV --inspectors CSV [--keys KEYS.json]

Recomputes the snapshot hashes, the seed from the reveals, every stratum's sample and
replacement list and every team (docs/methods/manifest.md), and — with ``--keys``, the
published key set (/.well-known/ticcoop-keys.json) — the platform's signature.  Prints
``OK`` or the first difference.  Needs no database.  Exit status: 0 the manifest
verifies, 1 a difference was found, 2 usage error (unreadable file, bad key set).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ticcoop.methods.manifest_verify import verify_manifest
from ticcoop.methods.signing import KeySetError, PublicKeySet

EXIT_OK = 0
EXIT_DIFFERENCE = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ticcoop draw verify",
        description="复核公示的抽取清单（manifest）：重新计算快照哈希、种子、抽取结果和检查组。",
    )
    parser.add_argument("manifest", metavar="MANIFEST", help="manifest.json as published")
    parser.add_argument("--targets", required=True, metavar="CSV", help="targets.csv")
    parser.add_argument("--inspectors", required=True, metavar="CSV", help="inspectors.csv")
    parser.add_argument(
        "--keys", metavar="KEYS.json", help="published key set; without it no signature check"
    )
    return parser


def main(argv: list[str]) -> int:
    """Run the verifier; ``argv`` excludes ``ticcoop draw verify``."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        manifest = Path(args.manifest).read_bytes()
        targets = Path(args.targets).read_bytes()
        inspectors = Path(args.inspectors).read_bytes()
        keys = PublicKeySet.from_json(Path(args.keys).read_bytes()) if args.keys else None
    except OSError as exc:
        print(f"ticcoop draw verify: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    except KeySetError as exc:
        print(f"ticcoop draw verify: {args.keys}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    differences = verify_manifest(manifest, targets, inspectors, keys)
    if differences:
        print(f"DIFFERENCE: {differences[0]}")
        return EXIT_DIFFERENCE
    print("OK" if keys is not None else "OK (signature not checked: no --keys)")
    return EXIT_OK
