"""``ticcoop draw``: re-run a published random draw without the platform.

``ticcoop draw sample --seed SEED --ids FILE [--take K]`` prints the consistent-sampling
order (Rivest, arXiv:1808.10016; see ``docs/methods/draw.md``) of the ids in FILE, one
``TICKET<TAB>ID`` line each, the ticket truncated to 18 digits exactly as
``consistent_sampler.sampler(ids, seed=SEED, output='tuple', digits=18)`` prints it.
To check one stratum of a stratified draw, pass the stratum's derived seed
(``ticcoop-stratum-v1|SEED|REGION|CLASS|ITEM``) and the stratum's ids.

FILE is UTF-8 (a BOM is allowed, ``-`` reads stdin), one id per line; leading and
trailing whitespace is removed and blank lines are ignored.  Exit status: 0 success,
2 usage error (unreadable file, duplicate id, bad option).

``ticcoop draw verify …`` is handed to ``ticcoop.cli.draw_verify.main``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ticcoop.methods.draw import (
    DrawInputError,
    DuplicateIdError,
    display_ticket,
    sample_order,
)

EXIT_OK = 0
EXIT_USAGE = 2
TICKET_DIGITS = 18


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ticcoop draw",
        description="Re-run and check published random inspection draws (双随机、一公开).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sample = commands.add_parser(
        "sample",
        help="print the ordered consistent sample of the ids in a file",
        description="Print TICKET<TAB>ID lines in sampling order (tickets to 18 digits).",
    )
    sample.add_argument("--seed", required=True, help="the published seed (exact string)")
    sample.add_argument(
        "--ids", required=True, metavar="FILE", help="ids, one per line (UTF-8; '-' = stdin)"
    )
    sample.add_argument(
        "--take", type=_non_negative, metavar="K", help="print only the first K (default all)"
    )
    commands.add_parser("verify", help="check a published draw manifest (ticcoop draw verify -h)")
    return parser


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def read_ids(text: str) -> list[str]:
    """Ids of an id file's text: its non-blank lines, stripped."""
    return [line.strip() for line in text.removeprefix("\ufeff").split("\n") if line.strip()]


def line_number(text: str, position: int) -> int:
    """1-based line of the id at 0-based ``position`` of ``read_ids(text)``."""
    seen = -1
    for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        seen += bool(line.strip())
        if seen == position:
            return number
    raise IndexError(position)  # pragma: no cover - position comes from read_ids(text)


def _load(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _run_sample(args: argparse.Namespace) -> int:
    try:
        text = _load(args.ids)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"ticcoop draw: cannot read {args.ids}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    ids = read_ids(text)
    try:
        rows, values = sample_order(ids, args.seed, args.take)
    except DuplicateIdError as exc:
        first, second = line_number(text, exc.first), line_number(text, exc.second)
        print(
            f"ticcoop draw: {args.ids}: line {second}: duplicate id {exc.target_id!r} "
            f"(first on line {first})",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except DrawInputError as exc:
        print(f"ticcoop draw: {exc}", file=sys.stderr)
        return EXIT_USAGE
    lines = (
        f"{display_ticket(value, TICKET_DIGITS)}\t{ids[row]}\n"
        for row, value in zip(rows, values, strict=True)
    )
    sys.stdout.writelines(lines)
    return EXIT_OK


def main(argv: list[str]) -> int:
    """Run ``ticcoop draw``; ``argv`` excludes the program and command names."""
    if argv[:1] == ["verify"]:  # its own module and options (ticcoop.cli.draw_verify)
        verify = importlib.import_module("ticcoop.cli.draw_verify")
        return int(verify.main(argv[1:]))
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse usage error (2) or --help (0)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command == "sample":
        return _run_sample(args)
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands
