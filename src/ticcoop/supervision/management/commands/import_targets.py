"""ticcoop import-targets FILE: bulk import of the target directory (atomic)."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from ticcoop.supervision.services.importing import import_targets


class Command(BaseCommand):
    help = "导入检查对象名录库（CSV，全部成功或全部不导入）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV 文件（UTF-8）")
        parser.add_argument("--user", help="以该用户身份导入（默认：平台运维，全部地区）")

    def handle(self, *args: Any, file: str, user: str | None, **options: Any) -> None:
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"没有用户 {user}")
        try:
            total_bytes = os.path.getsize(file)
            handle = open(file, encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"无法读取 {file}：{exc.strerror}") from exc
        columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn())
        with handle, Progress(*columns, TimeRemainingColumn()) as progress:
            estimate = max(1, total_bytes // 80)
            task = progress.add_task("导入检查对象", total=estimate)
            try:
                record = import_targets(
                    actor,
                    handle,
                    file_name=os.path.basename(file),
                    advance=lambda n: progress.advance(task, n),
                )
            except ValidationError as exc:  # TargetImportError, or a row csv refuses
                text = "\n".join(exc.messages)
                raise CommandError(f"导入失败，未导入任何数据：\n{text}") from exc
            except UnicodeDecodeError as exc:
                raise CommandError(f"文件不是 UTF-8 编码（字节 {exc.start}）") from exc
            progress.update(task, total=record.rows, completed=record.rows)
        self.stdout.write(f"已导入 {record.rows} 个检查对象（文件摘要 {record.sha256}）")
