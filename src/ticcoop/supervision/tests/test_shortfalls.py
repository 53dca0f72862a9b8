"""Team shortfall reasons are shown in words, not the method's English (issue 13)."""

from __future__ import annotations

import pytest

from ticcoop.methods.team_rules import RegionRule, explain_shortfall
from ticcoop.supervision.shortfalls import shortfall_sentence

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("same", "other", "expected"),
    [
        (0, 1, "没有利益冲突的检查人员只有 1 名，检查组需要 2 名"),
        (3, 0, "北京市以外符合条件的检查人员只有 0 名，按“至少一名其他地区人员”的规则需要 1 名"),
        (3, 3, "符合条件的 6 名检查人员（其中 3 名来自北京市以外）已没有剩余的检查任务量"),
    ],
)
def test_every_shortfall_the_method_writes_reads_as_a_sentence(
    same: int, other: int, expected: str
) -> None:
    code, text = explain_shortfall("11", same, other, 2, RegionRule.AT_LEAST_ONE_OTHER)
    assert shortfall_sentence(text) == expected
    assert shortfall_sentence(f"{code.value}: {text}") == expected  # as cross inspection stores it
