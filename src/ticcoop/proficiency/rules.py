"""The repeated-unsatisfactory rule: which institutions' credit-risk class should be raised.

A pure decision function: it reads a history and returns decisions; the registry (which owns
``Institution.risk_class``) makes the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

RISK_ORDER = ("A", "B", "C", "D")


@dataclass(frozen=True)
class RepeatRule:
    """``unsatisfactory`` rounds with an unsatisfactory result among the last ``window`` rounds
    of one field raise the class to ``to_class``; ``window`` of ``window`` to ``severe_class``."""

    unsatisfactory: int = 2
    window: int = 3
    to_class: str = "C"
    severe_class: str = "D"


DEFAULT_RULE = RepeatRule()


@dataclass(frozen=True)
class RoundOutcome:
    """One published round the institution took part in (newest first in a history)."""

    round_code: str
    field: str
    unsatisfactory: bool


@dataclass(frozen=True)
class RiskDecision:
    institution_id: int
    from_class: str
    to_class: str
    reason: str


def decide(
    institution_id: int,
    current_class: str,
    history: Sequence[RoundOutcome],
    rule: RepeatRule = DEFAULT_RULE,
) -> RiskDecision | None:
    """Decision for one institution from its newest-first history in one field, or None."""
    recent = list(history[: rule.window])
    bad = [o.round_code for o in recent if o.unsatisfactory]
    if len(bad) < rule.unsatisfactory:
        return None
    target = rule.severe_class if len(bad) >= rule.window else rule.to_class
    if RISK_ORDER.index(target) <= RISK_ORDER.index(current_class):
        return None
    field = recent[0].field
    reason = (
        f"能力验证“{field}”领域最近 {len(recent)} 轮中 {len(bad)} 轮结果不满意"
        f"（{'、'.join(bad)}），规则：{rule.window} 轮中 {rule.unsatisfactory} 轮不满意"
    )
    return RiskDecision(institution_id, current_class, target, reason)


def decide_all(
    current: Mapping[int, str],
    histories: Mapping[int, Iterable[RoundOutcome]],
    rule: RepeatRule = DEFAULT_RULE,
) -> list[RiskDecision]:
    """Decisions for many institutions: ``current`` class and newest-first history by id."""
    decisions = []
    for institution_id, history in histories.items():
        decision = decide(institution_id, current[institution_id], list(history), rule)
        if decision is not None:
            decisions.append(decision)
    return decisions
