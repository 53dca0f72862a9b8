"""ticcoop import-registry FILE [--dry-run] [--user NAME]: bulk import (CSV/XLSX)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import MofNCompleteColumn, Progress, TimeRemainingColumn

from ticcoop.certificates.importing import import_registry


class Command(BaseCommand):
    help = "批量导入机构、证书、能力范围（CSV 或 XLSX；先校验全部行，无错误才整体写入）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV 或 XLSX 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        parser.add_argument(
            "--user",
            help="以该账号身份导入（地区范围按其权限；默认第一个超级用户）",
        )

    def _actor(self, username: str | None) -> User:
        users = User.objects.filter(is_active=True)
        actor = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError(f"没有账号 {username}" if username else "没有超级用户，请用 --user")
        return actor

    def handle(
        self, *args: Any, file: str, dry_run: bool, user: str | None, **options: Any
    ) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        actor = self._actor(user)
        columns = (
            *Progress.get_default_columns()[:-1],
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, transient=False) as progress:
            task = progress.add_task("校验", total=None)
            report = import_registry(
                actor,
                path.name,
                path.read_bytes(),
                dry_run=dry_run,
                progress=lambda n: progress.advance(task, n),
                on_total=lambda total: progress.update(task, total=total),
            )
        for error in report.errors:
            self.stderr.write(error)
        counts = "，".join(f"{key} {value}" for key, value in report.counts.items())
        if not report.ok:
            raise CommandError(f"{len(report.errors)} 处错误，未写入任何数据。")
        verb = "校验通过（未写入）" if dry_run else "已导入"
        self.stdout.write(f"{verb}：{report.rows} 行；{counts}")
