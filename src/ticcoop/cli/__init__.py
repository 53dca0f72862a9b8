"""The ``ticcoop`` command.

Published methods (``check-code``, ``pt``, ``draw``, ``verify-certificate``) run without Django or a
database, so anyone can re-run them from published files; every other word is a Django
management command (``ticcoop migrate``, ``ticcoop demo-data``, …).
"""

from __future__ import annotations

import importlib
import os
import sys

STANDALONE_COMMANDS = {
    "check-code": ("ticcoop.cli.check_code", "检查统一社会信用代码、证书编号、地区代码"),
    "pt": ("ticcoop.cli.pt", "能力验证统计（ISO 13528）"),
    "draw": ("ticcoop.cli.draw", "复核“双随机”抽取结果（sample / verify）"),
    "verify-certificate": ("ticcoop.cli.verify_certificate", "离线核验证书签名（令牌或 PDF）"),
}

USAGE = """usage: ticcoop COMMAND [ARGS...]

Published methods (no database needed):
{standalone}
Platform commands (Django management commands, e.g.):
  demo-data      load the demo data set of the five regions
  migrate        create or update the database
  runserver      development server (make run serves with gunicorn)
  help           list every platform command
"""


def _usage() -> str:
    lines = "".join(f"  {name:<14} {text}\n" for name, (_, text) in STANDALONE_COMMANDS.items())
    return USAGE.format(standalone=lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help"}:
        print(_usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name in STANDALONE_COMMANDS:
        module = importlib.import_module(STANDALONE_COMMANDS[name][0])
        return int(module.main(rest))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticcoop.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ticcoop", name.replace("-", "_"), *rest])
    return 0
