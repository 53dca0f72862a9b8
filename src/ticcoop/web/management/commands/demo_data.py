"""ticcoop demo-data: the reproducible demo data set of the five regions."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from rich.progress import MofNCompleteColumn, Progress, TimeRemainingColumn

from ticcoop.accounts.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    create_demo_accounts,
    demo_password_hash,
)
from ticcoop.audit.chain import seal_unlinked
from ticcoop.competitions.demo import judge_logins
from ticcoop.registry import demo as registry_demo
from ticcoop.registry.models import Institution
from ticcoop.web.demo_events import record_existing

# Each later step is a module with `load(seed: int) -> str` (a one-line summary), in
# dependency order; it runs after the institutions, experts and accounts exist.
DEMO_STEPS: list[str] = [
    "ticcoop.assessments.demo",
    "ticcoop.certificates.demo",
    "ticcoop.proficiency.demo",
    "ticcoop.supervision.demo",
    "ticcoop.inspections.demo",
    "ticcoop.competitions.demo",
]


class Command(BaseCommand):
    help = "生成五地演示数据（可重复：相同 --seed 得到相同数据）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--institutions", type=int, default=300, help="机构数量（默认 300）")
        parser.add_argument("--seed", type=int, default=2025, help="随机种子（默认 2025）")
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库已有机构时什么也不做（make run 使用）"
        )

    def handle(
        self, *args: Any, institutions: int, seed: int, if_empty: bool, **options: Any
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
        with transaction.atomic():
            self._load(institutions, seed)

    def _load(self, institutions: int, seed: int) -> None:
        columns = (
            *Progress.get_default_columns()[:-1],
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, transient=False) as progress:
            task = progress.add_task("机构", total=institutions)
            created = registry_demo.create_institutions(
                institutions, seed, advance=lambda n: progress.advance(task, n)
            )
        experts = registry_demo.create_experts(
            seed, per_region=max(8, min(200, institutions // 25))
        )
        password_hash = demo_password_hash()
        accounts = create_demo_accounts(password_hash)
        lab_users = registry_demo.create_institution_users(password_hash)
        self.stdout.write(f"已生成 {created} 家机构、{len(experts)} 名评审员/专家/检查人员。")
        for step in DEMO_STEPS:
            self.stdout.write(importlib.import_module(step).load(seed))
        # bulk demo inserts record no change events: one bulk insert of event rows per kind
        self.stdout.write(f"变更事件：补记 {sum(record_existing().values())} 条。")
        # bulk demo inserts send no signals: chain their published records in one go
        self.stdout.write(f"审计链：补链 {seal_unlinked()} 条记录。")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for account in accounts:
            self.stdout.write(f"  {account.username:<18} {account.role} {account.region}")
        self.stdout.write(f"  机构用户：{'、'.join(lab_users)}")
        self.stdout.write(f"  比武评委：{'、'.join(judge_logins())}")
        self.stdout.write(
            f"两步验证（admin、observer、各地监管人员）：ticcoop demo-totp 账号，"
            f"或在验证器应用中添加演示密钥 {DEMO_TOTP_SECRET}"
        )
