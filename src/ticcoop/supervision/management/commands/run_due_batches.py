"""ticcoop run-due-batches: 常态化 — open due batches, fail ceremonies past their deadline."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ticcoop.supervision.services import create_due_batches, expire_ceremonies


class Command(BaseCommand):
    help = "创建到期的抽查批次，并将超过截止时间的摇号仪式记为失败"

    def handle(self, *args: Any, **options: Any) -> None:
        failed = expire_ceremonies()
        for batch in create_due_batches():
            self.stdout.write(f"已创建批次：{batch}")
        self.stdout.write(f"超时失败的摇号仪式：{failed}")
