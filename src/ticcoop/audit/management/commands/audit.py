"""ticcoop audit verify | seal | head: the audit hash chain (docs/methods/audit-chain.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import MofNCompleteColumn, Progress, TimeRemainingColumn

from ticcoop.audit.chain import head, seal_unlinked
from ticcoop.audit.verify import total_work, verify_chain

SHOWN = 20


class Command(BaseCommand):
    help = "审计链：verify 重新计算并核对整条链；seal 为尚无链环的记录补链；head 显示链尾"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal", "head"])
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, action: str, no_progress: bool, **options: Any) -> None:
        if action == "seal":
            count = seal_unlinked()
            seq, digest = head()
            self.stdout.write(f"已补链 {count} 条记录；链尾 #{seq} {digest}")
            return
        if action == "head":
            seq, digest = head()
            self.stdout.write(f"{seq} {digest}")
            return
        self._verify(show_progress=not no_progress)

    def _verify(self, *, show_progress: bool) -> None:
        columns = (
            *Progress.get_default_columns()[:-1],
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, disable=not show_progress, transient=False) as progress:
            task = progress.add_task("核对审计链", total=total_work())
            problems = verify_chain(lambda n: progress.advance(task, n))
        if problems:
            self.stderr.write(f"第一个断点：{problems[0]}")
            for problem in problems[1:SHOWN]:
                self.stderr.write(str(problem))
            if len(problems) > SHOWN:
                self.stderr.write(f"……另有 {len(problems) - SHOWN} 处")
            raise CommandError(f"审计链校验失败：{len(problems)} 处问题。", returncode=1)
        seq, digest = head()
        self.stdout.write(f"审计链完整：{seq} 环，链尾 {digest}")
