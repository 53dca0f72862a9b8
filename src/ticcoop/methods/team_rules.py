"""Who may serve on a target's inspector team: the team inputs and their rules.

Pure Python, no Django.  The assignment itself is :mod:`ticcoop.methods.teams`
(docs/methods/draw.md §4).

Eligibility.  Inspector ``i`` may not serve target ``t`` (a *conflict*) if
``i.employer`` is ``t.id`` or one of ``t.institutions`` (same employer); ``i.id`` is in
``t.ties`` or ``i.ties`` meets ``{t.id} ∪ t.institutions`` (declared tie); or ``t.id`` is
in ``i.recent_targets`` (inspected in the last rounds; the caller applies the N-round
window).  Region rule: ``all_other`` — every member from another region;
``at_least_one_other`` — at most ``size − 1`` from the target's region; ``any``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Conflict",
    "ConflictIndex",
    "Exclusion",
    "Inspector",
    "RegionRule",
    "Shortfall",
    "TeamInputError",
    "TeamTarget",
    "check_inputs",
    "explain_shortfall",
    "same_region_limit",
]


class TeamInputError(ValueError):
    """Invalid team-assignment input; the message says which and why."""


class RegionRule(StrEnum):
    ANY = "any"
    AT_LEAST_ONE_OTHER = "at_least_one_other"
    ALL_OTHER = "all_other"


class Conflict(StrEnum):
    SAME_EMPLOYER = "same_employer"
    DECLARED_TIE = "declared_tie"
    RECENT_INSPECTION = "recent_inspection"


_SAME_EMPLOYER, _DECLARED_TIE, _RECENT = _CONFLICT_BITS = (1, 2, 4)  # Conflict order


class Shortfall(StrEnum):
    NO_ELIGIBLE = "no_eligible"  # fewer than `size` inspectors without a conflict
    NO_OTHER_REGION = "no_other_region"  # the region rule cannot be met by eligible ones
    AT_CAPACITY = "at_capacity"  # enough eligible inspectors, but their capacity is used


@dataclass(frozen=True)
class TeamTarget:
    id: str
    region: str
    institutions: frozenset[str] = frozenset()  # employers to avoid (own entity, group…)
    ties: frozenset[str] = frozenset()  # inspector ids the target declared ties with


@dataclass(frozen=True)
class Inspector:
    id: str
    region: str
    employer: str
    capacity: int
    ties: frozenset[str] = frozenset()  # target or institution ids declared
    recent_targets: frozenset[str] = frozenset()  # targets inspected in the last N rounds


@dataclass(frozen=True)
class Exclusion:
    inspector: str
    conflicts: tuple[Conflict, ...]


def check_inputs(
    targets: Sequence[TeamTarget],
    inspectors: Sequence[Inspector],
    seed: str,
    size: int,
    rule: RegionRule | str,
) -> RegionRule:
    """Refuse invalid input with a :class:`TeamInputError`; the region rule, parsed."""
    _check_text("seed", seed)
    if isinstance(size, bool) or not isinstance(size, int) or size < 2:
        raise TeamInputError(f"team size must be an integer >= 2, got {size!r}")
    if rule not in set(RegionRule):
        choices = ", ".join(RegionRule)
        raise TeamInputError(f"rule must be one of {choices}, got {rule!r}")
    for kind, items in (("target", targets), ("inspector", inspectors)):
        seen: set[str] = set()
        for item in items:
            _check_text(f"{kind} id", item.id)
            if item.id in seen:
                raise TeamInputError(f"duplicate {kind} id {item.id!r}")
            seen.add(item.id)
    for inspector in inspectors:
        capacity = inspector.capacity
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
            raise TeamInputError(
                f"inspector {inspector.id!r}: capacity must be an integer >= 0, got {capacity!r}"
            )
    return RegionRule(rule)


def _check_text(what: str, value: str) -> None:
    if not isinstance(value, str) or not value:
        raise TeamInputError(f"{what} must be a non-empty string, got {value!r}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise TeamInputError(f"{what} {value!r} is not valid Unicode text") from None


def same_region_limit(rule: RegionRule, size: int) -> int:
    """How many members of a team of ``size`` may come from the target's own region."""
    return {RegionRule.ANY: size, RegionRule.ALL_OTHER: 0}.get(rule, size - 1)


def explain_shortfall(
    region: str, same: int, other: int, size: int, rule: RegionRule
) -> tuple[Shortfall, str]:
    """Why a team stays short, given how many inspectors without a conflict are from the
    target's own region (``same``) and from other regions (``other``)."""
    same_limit = same_region_limit(rule, size)
    if same + other < size:
        return Shortfall.NO_ELIGIBLE, (
            f"{same + other} inspectors without a conflict, team size {size}"
        )
    if other + min(same, same_limit) < size:
        return Shortfall.NO_OTHER_REGION, (
            f"{other} eligible inspectors outside region {region!r}; rule "
            f"{rule.value} needs {size - min(same, same_limit)}"
        )
    return Shortfall.AT_CAPACITY, (
        f"{same + other} eligible inspectors ({other} outside region {region!r}) "
        "have no capacity left for this target"
    )


class ConflictIndex:
    """The conflicts of targets with a list of inspectors, who are named by their index."""

    def __init__(self, inspectors: Sequence[Inspector]) -> None:
        self._inspectors = inspectors
        self._index = {inspector.id: i for i, inspector in enumerate(inspectors)}
        self._by_employer: dict[str, list[int]] = {}
        self._by_tie: dict[str, list[int]] = {}
        self._by_recent: dict[str, list[int]] = {}
        self._exclusions: dict[tuple[int, int], Exclusion] = {}
        for i, inspector in enumerate(inspectors):
            self._by_employer.setdefault(inspector.employer, []).append(i)
            for key in inspector.ties:
                self._by_tie.setdefault(key, []).append(i)
            for key in inspector.recent_targets:
                self._by_recent.setdefault(key, []).append(i)

    def conflicts(self, target: TeamTarget) -> dict[int, int]:
        """Conflicting inspectors of ``target`` → bit set of ``_CONFLICT_BITS``."""
        found: dict[int, int] = {}
        get = found.get
        for key in {target.id, *target.institutions}:
            for i in self._by_employer.get(key, ()):
                found[i] = get(i, 0) | _SAME_EMPLOYER
            for i in self._by_tie.get(key, ()):
                found[i] = get(i, 0) | _DECLARED_TIE
        for inspector_id in target.ties:
            if (tied := self._index.get(inspector_id)) is not None:
                found[tied] = get(tied, 0) | _DECLARED_TIE
        for i in self._by_recent.get(target.id, ()):
            found[i] = get(i, 0) | _RECENT
        return found

    def exclusion(self, i: int, bits: int) -> Exclusion:
        """Shared Exclusion objects: the same (inspector, conflicts) recurs across targets."""
        key = (i, bits)
        if (found := self._exclusions.get(key)) is None:
            conflicts = tuple(
                c for c, bit in zip(Conflict, _CONFLICT_BITS, strict=True) if bits & bit
            )
            found = self._exclusions[key] = Exclusion(self._inspectors[i].id, conflicts)
        return found
