"""Can every draw of a frozen snapshot be staffed?  The freeze check (docs/methods/feasibility.md).

Pure Python, no Django.  Before the seed exists the targets are unknown, so the check
bounds the worst case: for each region ``r`` at most ``n_r`` targets can get a task
(``n_r = min(distinct ids of r, Σ over r's strata of min(N, k + R))`` — the drawn ``k``
plus the whole replacement list ``R`` of every stratum), and any ``n_r`` of them may be
the ones drawn.

Sufficient condition (proof in the docs).  Call inspector ``i`` *clean* for region
``r`` when it has no conflict (same employer, declared tie, recent inspection) with any
target of ``r`` in the snapshot.  Counting only clean edges, all targets of a region are
interchangeable, so the minimum cut of the assignment network (docs/methods/draw.md §4)
depends only on how many targets of each region lie on the source side, ``m_r``; for a
fixed inspector side it is linear in ``m``, so its minimum over inspector sides is
concave and the minimum over the box ``0 ≤ m_r ≤ n_r`` is reached at a vertex
``m_r ∈ {0, n_r}``.  The check evaluates the cut at each of the ``2^R − 1`` non-empty
vertices; if every one is at least ``size × Σ m_r``, every draw of the snapshot (and
every set of replacements taken together with it) has a complete assignment, which the
team algorithm finds.  Ignoring conflicted inspectors makes the check conservative.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from ticcoop.methods.manifest_files import TargetRow
from ticcoop.methods.seed import JsonValue
from ticcoop.methods.strata import StratumKey, sample_size
from ticcoop.methods.team_rules import Inspector, RegionRule, same_region_limit

__all__ = ["Feasibility", "Shortfall", "check_feasibility", "region_demand"]

#: (region, capacity, regions it is usable for) of each inspector with capacity > 0
Pool = list[tuple[str, int, frozenset[str]]]

MAX_REGIONS = 16  # 2^16 vertices; the cooperation has five regions


@dataclass(frozen=True)
class Shortfall:
    """A set of regions whose worst-case targets cannot all be staffed.

    ``kind`` is ``other_region`` when, for one region, the inspector-slots from other
    regions are fewer than the rule needs (``needed``/``available`` count those slots),
    else ``seats`` (all slots the rule allows).
    """

    regions: tuple[str, ...]
    kind: str
    targets: int
    needed: int
    available: int

    @property
    def missing(self) -> int:
        return self.needed - self.available


@dataclass(frozen=True)
class Feasibility:
    demand: Mapping[str, int]  # region -> n_r, the most targets that can get a task
    clean: Mapping[str, int]  # region -> inspectors usable for it (clean, capacity > 0)
    shortfalls: tuple[Shortfall, ...]
    size: int
    rule: RegionRule

    @property
    def feasible(self) -> bool:
        return not self.shortfalls

    def as_json(self) -> dict[str, JsonValue]:
        return {
            "method": "ticcoop-feasibility-v1 (docs/methods/feasibility.md)",
            "feasible": self.feasible,
            "team_size": self.size,
            "region_rule": self.rule.value,
            "demand": {region: n for region, n in sorted(self.demand.items())},
            "usable_inspectors": {region: n for region, n in sorted(self.clean.items())},
            "shortfalls": [
                {
                    "regions": list(s.regions),
                    "kind": s.kind,
                    "targets": s.targets,
                    "needed": s.needed,
                    "available": s.available,
                }
                for s in self.shortfalls
            ],
        }


def region_demand(
    rows: Iterable[TargetRow], rates: Mapping[StratumKey, str], replacements: int
) -> tuple[dict[str, int], dict[str, set[str]], dict[str, set[str]]]:
    """``n_r`` per region, and the conflict keys (ids, institutions; declared inspector
    ties) of the region's drawable targets."""
    sizes: dict[tuple[str, str, str], int] = {}  # plain tuples: one StratumKey per stratum
    ids: dict[str, set[str]] = {}
    keys: dict[str, set[str]] = {}
    ties: dict[str, set[str]] = {}
    for row in rows:
        if row.excluded:
            continue
        region = row.region
        stratum = (region, row.risk_class, row.item)
        sizes[stratum] = sizes.get(stratum, 0) + 1
        if region not in ids:
            ids[region], keys[region] = set(), set()
        ids[region].add(row.id)
        if row.institutions:
            keys[region].update(row.institutions)
        if row.ties:
            ties.setdefault(region, set()).update(row.ties)
    bound: dict[str, int] = {}
    for stratum, population in sizes.items():
        k = sample_size(rates[StratumKey(*stratum)], population)
        take = min(population, k + replacements) if k else 0
        bound[stratum[0]] = bound.get(stratum[0], 0) + take
    for region, region_ids in ids.items():
        keys[region] |= region_ids  # a target's own id is a conflict key too
    demand = {region: min(len(ids[region]), bound.get(region, 0)) for region in ids}
    return demand, keys, ties


def _clean_regions(
    inspector: Inspector,
    regions: Sequence[str],
    keys: Mapping[str, set[str]],
    ties: Mapping[str, set[str]],
) -> frozenset[str]:
    """Regions none of whose drawable targets conflicts with ``inspector``."""
    own = {inspector.employer, *inspector.ties, *inspector.recent_targets}
    return frozenset(
        r
        for r in regions
        if own.isdisjoint(keys.get(r, ())) and inspector.id not in ties.get(r, ())
    )


def check_feasibility(
    rows: Iterable[TargetRow],
    inspectors: Sequence[Inspector],
    rates: Mapping[StratumKey, str],
    *,
    replacements: int,
    size: int,
    rule: RegionRule | str,
) -> Feasibility:
    """The freeze check (module docstring); ``shortfalls`` is empty iff it passes."""
    parsed = RegionRule(rule)
    demand, keys, ties = region_demand(rows, rates, replacements)
    regions = sorted(r for r, n in demand.items() if n > 0)
    if len(regions) > MAX_REGIONS:
        raise ValueError(f"at most {MAX_REGIONS} regions can be checked, got {len(regions)}")
    pool: Pool = [
        (i.region, i.capacity, _clean_regions(i, regions, keys, ties))
        for i in inspectors
        if i.capacity > 0
    ]
    limit = same_region_limit(parsed, size)
    clean = {r: sum(1 for _, _, ok in pool if r in ok) for r in regions}
    shortfalls: list[Shortfall] = []
    failed: list[frozenset[str]] = []
    for count in range(1, len(regions) + 1):
        for vertex in combinations(regions, count):
            chosen = frozenset(vertex)
            if any(f <= chosen for f in failed):
                continue  # a smaller failing set already explains this one
            targets = sum(demand[r] for r in vertex)
            cut = _min_cut(pool, demand, chosen, parsed, limit)
            if cut < size * targets:
                failed.append(chosen)
                shortfalls.append(_explain(pool, demand, vertex, parsed, size, limit, targets, cut))
    return Feasibility(demand, clean, tuple(shortfalls), size, parsed)


def _reach(
    region: str,
    ok: frozenset[str],
    demand: Mapping[str, int],
    chosen: frozenset[str],
    rule: RegionRule,
) -> int:
    """Edges from inspector (of ``region``) to the chosen regions' targets, same region
    excluded unless the rule is ``any``."""
    return sum(demand[r] for r in chosen if r in ok and (rule == RegionRule.ANY or r != region))


def _min_cut(
    pool: Pool, demand: Mapping[str, int], chosen: frozenset[str], rule: RegionRule, limit: int
) -> int:
    """Minimum cut with every target of ``chosen`` on the source side (clean edges)."""
    cut = 0
    same: dict[str, list[int]] = {}
    for region, capacity, ok in pool:
        reach = _reach(region, ok, demand, chosen, rule)
        if rule == RegionRule.AT_LEAST_ONE_OTHER and region in chosen and region in ok:
            # Outside the cut it also feeds its region's same-region nodes: decided below.
            cut += capacity
            same.setdefault(region, []).append(reach - capacity)
        else:
            cut += min(capacity, reach)
    for region, extra in same.items():
        # q inspectors left outside J cost Σ of their (reach − capacity) plus, for every
        # target of the region, min(L, q) through its same-region node.
        extra.sort()
        best, running = 0, 0
        for q, value in enumerate(extra, start=1):
            running += value
            best = min(best, running + demand[region] * min(limit, q))
        cut += best
    return cut


def _explain(
    pool: Pool,
    demand: Mapping[str, int],
    vertex: tuple[str, ...],
    rule: RegionRule,
    size: int,
    limit: int,
    targets: int,
    cut: int,
) -> Shortfall:
    if len(vertex) == 1 and rule != RegionRule.ANY:
        (region,) = vertex
        n = demand[region]
        other = sum(min(c, n) for reg, c, ok in pool if reg != region and region in ok)
        need = n * (size - limit)
        if other < need:
            return Shortfall(vertex, "other_region", n, need, other)
    return Shortfall(tuple(vertex), "seats", targets, size * targets, cut)
