"""The full demo data of the five regions, as one function: the ``ticcoop demo-data`` command
and the ``demo-data`` job (back office) both call :func:`load_demo`.

Progress is counted in institutions plus one unit per later step (experts and accounts, each
app's demo module, the audit chain), so a job page shows it rising to the end.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

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


class DemoRefused(Exception):
    """The database already holds institutions: the demo loads only into an empty one."""


def units(institutions: int) -> int:
    """Progress units of a demo load of ``institutions`` institutions."""
    return institutions + len(DEMO_STEPS) + 2


def load_demo(
    institutions: int,
    seed: int,
    *,
    advance: Callable[[int], None] = lambda n: None,
    say: Callable[[str], None] = lambda line: None,
) -> list[str]:
    """Load the demo data (the caller holds the transaction); returns the summary lines."""
    if Institution.objects.exists():
        raise DemoRefused("数据库已有机构：演示数据只装入空数据库（先删除 var/ 下的数据库）。")
    lines: list[str] = []

    def tell(line: str) -> None:
        lines.append(line)
        say(line)

    created = registry_demo.create_institutions(institutions, seed, advance=advance)
    # Inspectors grow with the institutions (no cap): the demo's supervision batches draw in
    # proportion to them, and with 200 per region the freeze check ran out of inspector places
    # from ~18,000 institutions.
    experts = registry_demo.create_experts(seed, per_region=max(8, institutions // 25))
    password_hash = demo_password_hash()
    accounts = create_demo_accounts(password_hash)
    lab_users = registry_demo.create_institution_users(password_hash)
    advance(1)
    tell(f"已生成 {created} 家机构、{experts} 名评审员/专家/检查人员。")
    for step in DEMO_STEPS:
        tell(importlib.import_module(step).load(seed))
        advance(1)
    # bulk demo inserts record no events: give the change feeds what the demo made
    tell(f"变更事件：补记 {sum(record_existing().values())} 条。")
    # bulk demo inserts send no signals: chain their published records in one go
    tell(f"审计链：补链 {seal_unlinked()} 条记录。")
    advance(1)
    tell(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for account in accounts:
        tell(f"  {account.username:<18} {account.role} {account.region}")
    tell(f"  机构用户：{'、'.join(lab_users)}")
    tell(f"  比武评委：{'、'.join(judge_logins())}")
    tell(
        f"两步验证（admin、observer、各地监管人员）：ticcoop demo-totp 账号，"
        f"或在验证器应用中添加演示密钥 {DEMO_TOTP_SECRET}"
    )
    return lines
