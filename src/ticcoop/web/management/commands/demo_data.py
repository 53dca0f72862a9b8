"""ticcoop demo-data: the reproducible demo data set of the five regions (web/demo.py).

With ``--job`` the load is queued as a background job (a consumer runs it; its job page and
``ticcoop jobs``-free progress are in the back office), instead of running here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from rich.progress import MofNCompleteColumn, Progress, TimeRemainingColumn

from ticcoop.registry.models import Institution
from ticcoop.web.demo import DemoRefused, load_demo, units


class Command(BaseCommand):
    help = "生成五地演示数据（可重复：相同 --seed 得到相同数据）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--institutions", type=int, default=300, help="机构数量（默认 300）")
        parser.add_argument("--seed", type=int, default=2025, help="随机种子（默认 2025）")
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库已有机构时什么也不做（make run 使用）"
        )
        parser.add_argument(
            "--job",
            action="store_true",
            help="作为后台任务排队（由任务消费进程执行），打印任务编号",
        )

    def handle(
        self, *args: Any, institutions: int, seed: int, if_empty: bool, job: bool, **options: Any
    ) -> None:
        if institutions < 1:
            self.stderr.write("--institutions 必须是正整数")
            raise SystemExit(2)
        if Institution.objects.exists():
            if if_empty:
                self.stdout.write("数据库已有数据，跳过演示数据。")
                return
            self.stderr.write("数据库已有机构：演示数据只装入空数据库（先删除 var/ 下的数据库）。")
            raise SystemExit(1)
        if job:
            from ticcoop.jobs.services import start_job
            from ticcoop.web.tasks import DEMO_DATA

            queued = start_job(None, DEMO_DATA, {"institutions": institutions, "seed": seed})
            self.stdout.write(f"已排队：后台任务 #{queued.pk}（/jobs/{queued.pk}/，管理员可见）")
            return
        columns = (
            *Progress.get_default_columns()[:-1],
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        try:
            with transaction.atomic(), Progress(*columns, transient=False) as progress:
                task = progress.add_task("演示数据", total=units(institutions))
                load_demo(
                    institutions,
                    seed,
                    advance=lambda n: progress.advance(task, n),
                    say=self.stdout.write,
                )
        except DemoRefused as refused:
            self.stderr.write(str(refused))
            raise SystemExit(1) from refused
