"""ticcoop restore FILE --yes: put back a backup made by ``ticcoop backup``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ticcoop.cli.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份恢复数据库、上传文件和密钥（覆盖当前数据；先停止服务）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="ticcoop backup 生成的 .tar.gz 文件")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库和文件")

    def handle(self, *args: Any, archive: Path, yes: bool, **options: Any) -> None:
        if not archive.is_file():
            raise CommandError(f"{archive} 不存在")
        if not yes:
            raise CommandError("恢复会覆盖当前数据库和上传文件：确认无误后加 --yes 再运行")
        try:
            report = restore_backup(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已恢复并核对：{report.tables} 张表、{report.rows} 行、{report.files} 个文件"
            + ("、secret_key" if report.secret_key else "")
        )
