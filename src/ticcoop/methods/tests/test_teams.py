"""Tests for ticcoop.methods.teams and team_rules: validity, reproducibility, completeness."""

from __future__ import annotations

import hashlib
import random
from collections import Counter

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticcoop.methods.team_rules import (
    Conflict,
    Exclusion,
    Inspector,
    RegionRule,
    Shortfall,
    TeamInputError,
    TeamTarget,
)
from ticcoop.methods.teams import Assignment, assign_teams

RULES = [rule.value for rule in RegionRule]


def conflicts(target: TeamTarget, inspector: Inspector) -> bool:
    """Independent restatement of the conflict rule."""
    avoid = {target.id, *target.institutions}
    return (
        inspector.employer in avoid
        or inspector.id in target.ties
        or bool(inspector.ties & avoid)
        or target.id in inspector.recent_targets
    )


def oracle(targets: list[TeamTarget], inspectors: list[Inspector], size: int, rule: str) -> int:
    """Maximum number of seats that can be filled (networkx max flow)."""
    graph = nx.DiGraph()
    graph.add_node("S")
    graph.add_node("T")
    for target in targets:
        graph.add_edge("S", ("t", target.id), capacity=size)
        if rule == "at_least_one_other":
            graph.add_edge(("t", target.id), ("same", target.id), capacity=size - 1)
        for inspector in inspectors:
            same = inspector.region == target.region
            if conflicts(target, inspector) or (rule == "all_other" and same):
                continue
            source = (
                ("same", target.id) if rule == "at_least_one_other" and same else ("t", target.id)
            )
            graph.add_edge(source, ("i", inspector.id), capacity=1)
    for inspector in inspectors:
        graph.add_edge(("i", inspector.id), "T", capacity=inspector.capacity)
    return int(nx.maximum_flow_value(graph, "S", "T"))


def check_valid(result: Assignment, targets: list[TeamTarget], inspectors: list[Inspector]) -> int:
    """Assert every team obeys the rules; return the number of seats filled."""
    by_target = {t.id: t for t in targets}
    by_id = {i.id: i for i in inspectors}
    load: Counter[str] = Counter()
    filled = 0
    groups = [(t.target, t.members) for t in result.teams]
    groups += [(u.target, u.partial) for u in result.unstaffed]
    assert sorted(g[0] for g in groups) == sorted(by_target)
    for target_id, members in groups:
        target = by_target[target_id]
        chosen = [by_id[m.inspector] for m in members]
        assert len({i.id for i in chosen}) == len(chosen)
        assert not any(conflicts(target, i) for i in chosen)
        same = sum(i.region == target.region for i in chosen)
        if result.rule == RegionRule.ALL_OTHER:
            assert same == 0
        if result.rule == RegionRule.AT_LEAST_ONE_OTHER:
            assert same <= result.size - 1
        load.update(i.id for i in chosen)
        filled += len(chosen)
    assert all(load[i] <= by_id[i].capacity for i in load)
    assert all(len(t.members) == result.size for t in result.teams)
    return filled


def random_instance(rng: random.Random) -> tuple[list[TeamTarget], list[Inspector]]:
    regions = [f"R{k}" for k in range(rng.randint(1, 4))]
    institutions = [f"E{k}" for k in range(rng.randint(1, 6))]
    target_ids = [f"T{k}" for k in range(rng.randint(0, 14))]

    def some(items: list[str], most: int) -> frozenset[str]:
        return frozenset(rng.sample(items, min(len(items), rng.randint(0, most))))

    inspectors = [
        Inspector(
            f"I{k}",
            rng.choice(regions),
            rng.choice(institutions),
            rng.randint(0, 4),
            ties=some(target_ids + institutions, 1),
            recent_targets=some(target_ids, 2),
        )
        for k in range(rng.randint(0, 16))
    ]
    targets = [
        TeamTarget(
            target_id,
            rng.choice(regions),
            institutions=some(institutions, 2),
            ties=some([i.id for i in inspectors], 1),
        )
        for target_id in target_ids
    ]
    return targets, inspectors


@pytest.mark.parametrize("batch", range(4))
def test_complete_whenever_the_max_flow_oracle_says_so(batch: int) -> None:
    rng = random.Random(batch)
    for round_ in range(60):
        targets, inspectors = random_instance(rng)
        for rule in RULES:
            size = rng.choice([2, 3])
            result = assign_teams(targets, inspectors, f"seed{round_}", size=size, rule=rule)
            filled = check_valid(result, targets, inspectors)
            best = oracle(targets, inspectors, size, rule)
            assert filled == best  # our flow is maximum
            assert result.complete == (best == size * len(targets))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from(RULES), st.integers(2, 4))
def test_oracle_property(instance_seed: int, rule: str, size: int) -> None:
    targets, inspectors = random_instance(random.Random(instance_seed))
    result = assign_teams(targets, inspectors, "s", size=size, rule=rule)
    best = oracle(targets, inspectors, size, rule)
    assert check_valid(result, targets, inspectors) == best
    assert result.complete == (best == size * len(targets))


def grid(
    n_targets: int, n_inspectors: int, capacity: int
) -> tuple[list[TeamTarget], list[Inspector]]:
    regions = ["北京", "天津", "河北", "山西", "内蒙古"]
    targets = [
        TeamTarget(f"LAB{k:03d}", regions[k % 5], frozenset({f"ORG{k % 7}"}))
        for k in range(n_targets)
    ]
    inspectors = [
        Inspector(f"INS{k:03d}", regions[k % 5], f"ORG{k % 11}", capacity)
        for k in range(n_inspectors)
    ]
    return targets, inspectors


def test_reproducible_and_independent_of_input_order() -> None:
    targets, inspectors = grid(40, 30, 6)
    one = assign_teams(targets, inspectors, "公开种子", size=3)
    two = assign_teams(targets[::-1], inspectors[::-1], "公开种子", size=3)
    assert one == two
    assert one != assign_teams(targets, inspectors, "another seed", size=3)


def test_member_keys_can_be_recomputed() -> None:
    targets, inspectors = grid(10, 40, 5)
    result = assign_teams(targets, inspectors, "seed", size=2)
    ordered = sorted(i.id for i in inspectors)
    for team in result.teams:
        permutation = list(range(len(ordered)))
        for member in team.members:
            assert member.stage == "draw" and member.rank is not None
            for j in range(member.rank + 1):  # redo the Fisher–Yates draws up to this rank
                doc = f'["ticcoop-team-draw-v1","seed","{team.target}",{j}]'
                key = hashlib.sha256(doc.encode()).hexdigest()
                pick = j + int(key, 16) % (len(ordered) - j)
                permutation[j], permutation[pick] = permutation[pick], permutation[j]
            assert key == member.key
            assert ordered[permutation[member.rank]] == member.inspector


def test_cross_region_rules() -> None:
    targets, inspectors = grid(25, 25, 10)
    for rule in RegionRule:
        result = assign_teams(targets, inspectors, "x", size=3, rule=rule)
        assert result.complete
        check_valid(result, targets, inspectors)


def test_exclusions_name_each_conflict() -> None:
    target = TeamTarget("LAB1", "北京", frozenset({"ORG-A"}), ties=frozenset({"I2"}))
    inspectors = [
        Inspector("I1", "天津", "ORG-A", 5),
        Inspector("I2", "天津", "ORG-B", 5, recent_targets=frozenset({"LAB1"})),
        Inspector("I3", "天津", "ORG-C", 5, ties=frozenset({"ORG-A"})),
        Inspector("I4", "河北", "ORG-D", 5),
        Inspector("I5", "河北", "ORG-E", 5),
    ]
    result = assign_teams([target], inspectors, "s", size=2, rule="all_other")
    (team,) = result.teams
    assert {m.inspector for m in team.members} == {"I4", "I5"}
    assert team.exclusions == (
        Exclusion("I1", (Conflict.SAME_EMPLOYER,)),
        Exclusion("I2", (Conflict.DECLARED_TIE, Conflict.RECENT_INSPECTION)),
        Exclusion("I3", (Conflict.DECLARED_TIE,)),
    )


def test_unstaffable_reasons() -> None:
    inspectors = [
        Inspector("B1", "北京", "O1", 1),
        Inspector("B2", "北京", "O2", 1),
        Inspector("T1", "天津", "O3", 1),
    ]
    no_eligible = TeamTarget("X", "天津", frozenset({"O1", "O2"}))
    no_other = TeamTarget("Y", "北京")
    result = assign_teams([no_eligible], inspectors, "s", size=2)
    assert result.unstaffed[0].reason == Shortfall.NO_ELIGIBLE
    result = assign_teams([no_other], inspectors, "s", size=4, rule="at_least_one_other")
    assert result.unstaffed[0].reason == Shortfall.NO_ELIGIBLE
    assert result.unstaffed[0].detail == "3 inspectors without a conflict, team size 4"
    assert assign_teams([no_other], inspectors, "s", size=3).complete  # 2 local + 1 other
    avoid_tianjin = TeamTarget("Z", "北京", frozenset({"O3"}))
    result = assign_teams([avoid_tianjin], inspectors, "s", size=2, rule="at_least_one_other")
    assert result.unstaffed[0].reason == Shortfall.NO_OTHER_REGION
    result = assign_teams([no_other], inspectors, "s", size=2, rule="all_other")
    assert result.unstaffed[0].reason == Shortfall.NO_OTHER_REGION
    assert "1 eligible inspectors outside region '北京'" in result.unstaffed[0].detail
    two = [TeamTarget("P", "天津"), TeamTarget("Q", "天津")]
    result = assign_teams(two, inspectors, "s", size=2)
    assert len(result.teams) == 1
    (short,) = result.unstaffed
    assert short.reason == Shortfall.AT_CAPACITY
    assert len(short.partial) == 1  # the remaining capacity is kept as a partial team


def test_repair_finds_assignment_greedy_misses() -> None:
    # Capacity is exactly the demand: any greedy slip must be repaired by augmenting paths.
    targets, inspectors = grid(60, 20, 6)
    result = assign_teams(targets, inspectors, "tight", size=2, rule="all_other")
    best = oracle(targets, inspectors, 2, "all_other")
    assert check_valid(result, targets, inspectors) == best


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"size": 1}, "team size must be an integer >= 2"),
        ({"rule": "nearby"}, "rule must be one of any, at_least_one_other, all_other"),
        ({"seed": ""}, "seed must be a non-empty string"),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"seed": "s", "size": 2, "rule": "any", **kwargs}
    with pytest.raises(TeamInputError, match=message):
        assign_teams([], [], **args)  # type: ignore[arg-type]


def test_bad_records() -> None:
    with pytest.raises(TeamInputError, match="duplicate inspector id 'I'"):
        assign_teams([], [Inspector("I", "r", "e", 1), Inspector("I", "r", "e", 1)], "s")
    with pytest.raises(TeamInputError, match="capacity must be an integer >= 0"):
        assign_teams([], [Inspector("I", "r", "e", -1)], "s")
    with pytest.raises(TeamInputError, match="duplicate target id 'T'"):
        assign_teams([TeamTarget("T", "r"), TeamTarget("T", "r")], [], "s")


def test_no_inspectors_at_all() -> None:
    result = assign_teams([TeamTarget("T", "r")], [], "s")
    assert result.unstaffed[0].reason == Shortfall.NO_ELIGIBLE
