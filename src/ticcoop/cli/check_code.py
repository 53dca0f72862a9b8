"""``ticcoop check-code``: validate identifiers given on the command line or in a file.

Each identifier's kind is auto-detected (see ``ticcoop.methods.ids.check_identifier``):
18 characters → unified social credit code (GB 32100-2015), 12 → CMA certificate
number, 2 → province-level region code (GB/T 2260).

Output is one line per identifier, ``CODE<TAB>OK`` or ``CODE<TAB>INVALID<TAB>reason``.
Exit status: 0 all valid, 1 at least one invalid, 2 usage error (no codes,
unreadable file).
"""

from __future__ import annotations

import argparse
import sys

from ticcoop.methods.ids import check_identifier

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ticcoop check-code",
        description=(
            "Validate credit codes (18 chars), certificate numbers (12 digits) "
            "and region codes (2 digits)."
        ),
    )
    parser.add_argument("codes", nargs="*", metavar="CODE", help="identifier to check")
    parser.add_argument(
        "--file",
        "-f",
        metavar="F",
        help="read identifiers from F, one per line (UTF-8, BOM allowed; '-' for stdin)",
    )
    return parser


def _read_codes(path: str) -> list[str]:
    """Return the non-blank, stripped lines of ``path`` (UTF-8, optional BOM)."""
    if path == "-":
        text = sys.stdin.read().removeprefix("\ufeff")
    else:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    return [line.strip() for line in text.splitlines() if line.strip()]


def _report(code: str) -> bool:
    """Print the result line for ``code``; return True if it is valid."""
    reason = check_identifier(code)
    if reason is None:
        print(f"{code}\tOK")
        return True
    print(f"{code}\tINVALID\t{reason}")
    return False


def main(argv: list[str]) -> int:
    """Run ``ticcoop check-code``; ``argv`` excludes the program and sub-command names."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse usage error (2) or --help (0)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    codes = [code.strip() for code in args.codes if code.strip()]
    if args.file is not None:
        try:
            codes.extend(_read_codes(args.file))
        except (OSError, UnicodeDecodeError) as exc:
            print(f"ticcoop check-code: cannot read {args.file}: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if not codes:
        parser.print_usage(sys.stderr)
        print("ticcoop check-code: error: no codes given", file=sys.stderr)
        return EXIT_USAGE
    results = [_report(code) for code in codes]
    return EXIT_OK if all(results) else EXIT_INVALID


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
