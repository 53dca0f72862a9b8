"""ticcoop backup [--output FILE]: database + uploaded files + keys in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ticcoop.cli.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库、上传文件和密钥（一个 .tar.gz 文件；见 docs/operations.md）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="备份文件路径（默认 var/backups/）")

    def handle(self, *args: Any, output: Path | None, **options: Any) -> None:
        try:
            path = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))
