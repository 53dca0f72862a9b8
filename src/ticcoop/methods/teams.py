"""Reproducible inspector-team assignment for drawn targets (the "random inspector" half).

Pure Python, no Django.  Every choice comes from SHA-256 of the public seed, so anyone
can redo it; ``hash(doc)`` below is ``SHA256_hex(UTF8(canonical_json(doc)))`` with the
canonical JSON of :mod:`ticcoop.methods.seed` (RFC 8785).  Who may serve which target
(conflicts of interest, the region rule) and the input types are in
:mod:`ticcoop.methods.team_rules`.

Model.  A team is a flow of ``size`` units from the target to distinct eligible
inspectors, inspector ``i`` carrying at most ``i.capacity`` units; the region rule is a
"same-region" node of capacity ``size − 1`` (``0`` for ``all_other``).  A full
assignment exists iff the maximum flow saturates every target; the procedure below
ends with a maximum flow, so it is complete.

1. **Target order**: ascending ``hash(["ticcoop-team-order-v1", seed, target_id])``.
2. **Candidate draws** (a lazily generated uniform random permutation, so no
   target × inspector table is built): inspectors are listed in ascending id (code
   point) order as ``A[0..n-1]``; for ``j = 0, 1, …`` let ``U_j =
   int(hash(["ticcoop-team-draw-v1", seed, target_id, j]), 16)``, swap ``A[j]`` with
   ``A[j + U_j mod (n − j)]`` (Fisher–Yates on a per-target copy) and take ``A[j]`` as
   candidate ``j`` (its *rank*; lower ranks are preferred).
3. **Greedy**: in target order, examine candidates ``j = 0 … min(n, 8·size) − 1`` and
   add each one that has no conflict, has spare capacity and keeps the region rule,
   until the team is full.
4. **Repair** (augmenting paths, so the result is a maximum flow): inspectors are
   ordered by ascending ``hash(["ticcoop-team-repair-v1", seed, inspector_id])``; for
   each target in target order, while its team is short, a breadth-first search of the
   residual network looks for a chain of swaps ending at an inspector with spare
   capacity (exact expansion order: ``docs/methods/draw.md``, "Team assignment").  If
   none exists, every node the search visited is *dead* for the rest of the run (no
   later augmenting path can pass through it) and the target is reported unstaffable,
   keeping any partial team.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from json.encoder import encode_basestring as _quote  # == json.dumps(s, ensure_ascii=False)
from typing import Literal

from ticcoop.methods.team_rules import (
    ConflictIndex,
    Exclusion,
    Inspector,
    RegionRule,
    Shortfall,
    TeamTarget,
    check_inputs,
    explain_shortfall,
    same_region_limit,
)

__all__ = ["Assignment", "Member", "Team", "Unstaffed", "assign_teams"]

ORDER_LABEL = "ticcoop-team-order-v1"
DRAW_LABEL = "ticcoop-team-draw-v1"
REPAIR_LABEL = "ticcoop-team-repair-v1"
GREEDY_DRAWS_PER_SEAT = 8

Stage = Literal["draw", "repair"]


@dataclass(frozen=True)
class Member:
    inspector: str
    region: str
    stage: Stage
    rank: int | None  # candidate position j (draw stage)
    key: str  # hex hash that placed the member: draw U_j, or the repair-order hash


@dataclass(frozen=True)
class Team:
    target: str
    members: tuple[Member, ...]
    exclusions: tuple[Exclusion, ...]


@dataclass(frozen=True)
class Unstaffed:
    target: str
    reason: Shortfall
    detail: str
    partial: tuple[Member, ...]
    exclusions: tuple[Exclusion, ...]


@dataclass(frozen=True)
class Assignment:
    seed: str
    size: int
    rule: RegionRule
    teams: tuple[Team, ...]  # staffed targets, in target order
    unstaffed: tuple[Unstaffed, ...]

    @property
    def complete(self) -> bool:
        return not self.unstaffed


def assign_teams(
    targets: Sequence[TeamTarget],
    inspectors: Sequence[Inspector],
    seed: str,
    *,
    size: int = 2,
    rule: RegionRule | str = RegionRule.AT_LEAST_ONE_OTHER,
) -> Assignment:
    """Assign a team of ``size`` inspectors to every target (module docstring)."""
    parsed = check_inputs(targets, inspectors, seed, size, rule)
    state = _State(targets, inspectors, seed, size, parsed)
    for t in range(len(state.targets)):
        state.greedy(t)
    state.build_repair_index()
    for t in range(len(state.targets)):
        while len(state.team[t]) < size and 2 * t not in state.dead_nodes:
            state.augment(t)
    return state.result()


def _json(doc: list[str | int]) -> str:
    """Canonical JSON of a flat array of strings and integers."""
    return "[" + ",".join(_quote(x) if isinstance(x, str) else str(x) for x in doc) + "]"


def _hash_hex(doc: list[str | int]) -> str:
    return hashlib.sha256(_json(doc).encode("utf-8")).hexdigest()


class _State:
    """Teams, loads and residual-network searches (module docstring, steps 1–4).

    Search nodes are ints: ``2·t`` target node, ``2·t + 1`` its same-region node,
    ``-(i + 1)`` inspector ``i`` (indices into the ordered lists).
    """

    def __init__(
        self,
        targets: Sequence[TeamTarget],
        inspectors: Sequence[Inspector],
        seed: str,
        size: int,
        rule: RegionRule,
    ) -> None:
        self.seed, self.size, self.rule = seed, size, rule
        self.same_limit = same_region_limit(rule, size)
        keyed = sorted((_hash_hex([ORDER_LABEL, seed, t.id]), t.id, t) for t in targets)
        self.targets = [t for _, _, t in keyed]
        self.inspectors = sorted(inspectors, key=lambda i: i.id)
        self.capacity = [i.capacity for i in self.inspectors]
        self.regions = sorted({i.region for i in self.inspectors})
        number = {region: r for r, region in enumerate(self.regions)}
        self.region_of = [number[i.region] for i in self.inspectors]
        self.target_region = [number.get(t.region, -1) for t in self.targets]
        self.region_size = [self.region_of.count(r) for r in range(len(self.regions))]
        self.load = [0] * len(self.inspectors)
        self.team: list[list[int]] = [[] for _ in self.targets]
        self.placed: list[dict[int, Member]] = [{} for _ in self.targets]
        self.same = [0] * len(self.targets)
        self.serving: list[set[int]] = [set() for _ in self.inspectors]
        self.dead_nodes: set[int] = set()
        self.conflict_index = ConflictIndex(self.inspectors)
        self.conflicts = [self.conflict_index.conflicts(t) for t in self.targets]

    # -- region rule ------------------------------------------------------------

    def _fits_rule(self, t: int, i: int) -> bool:
        return self.region_of[i] != self.target_region[t] or self.same[t] < self.same_limit

    # -- team bookkeeping -------------------------------------------------------

    def _add(self, t: int, i: int, stage: Stage, rank: int | None, key: str) -> None:
        inspector = self.inspectors[i]
        self.team[t].append(i)
        self.placed[t][i] = Member(inspector.id, inspector.region, stage, rank, key)
        self.serving[i].add(t)
        self.same[t] += self.region_of[i] == self.target_region[t]

    def _remove(self, t: int, i: int) -> None:
        self.team[t].remove(i)
        del self.placed[t][i]
        self.serving[i].discard(t)
        self.same[t] -= self.region_of[i] == self.target_region[t]

    # -- steps 2–3: greedy over the target's candidate permutation ---------------

    def greedy(self, t: int) -> None:
        n, size = len(self.inspectors), self.size
        team, conflicts, load, capacity = self.team[t], self.conflicts[t], self.load, self.capacity
        prefix = _json([DRAW_LABEL, self.seed, self.targets[t].id])
        base = hashlib.sha256(prefix[:-1].encode("utf-8") + b",")  # + f"{j}]" per draw
        swapped: dict[int, int] = {}  # Fisher–Yates on a virtual copy of A
        for j in range(min(n, GREEDY_DRAWS_PER_SEAT * size)):
            if len(team) == size:
                return
            draw = base.copy()
            draw.update(f"{j}]".encode("ascii"))
            key = draw.hexdigest()
            pick = j + int(key, 16) % (n - j)
            i = swapped.get(pick, pick)
            swapped[pick] = swapped.get(j, j)
            if i not in conflicts and load[i] < capacity[i] and self._fits_rule(t, i):
                load[i] += 1
                self._add(t, i, "draw", j, key)

    # -- step 4: augmenting paths -----------------------------------------------

    def build_repair_index(self) -> None:
        self.repair_key = [_hash_hex([REPAIR_LABEL, self.seed, i.id]) for i in self.inspectors]
        self.order = sorted(range(len(self.inspectors)), key=self.repair_key.__getitem__)
        self.repair_rank = [0] * len(self.order)
        for rank, i in enumerate(self.order):
            self.repair_rank[i] = rank
        #: Per region, the inspectors not yet dead, in repair order.
        self.alive: list[list[int]] = [[] for _ in self.regions]
        #: Per region, repair ranks of the inspectors with spare capacity (sorted).
        self.spare: list[list[int]] = [[] for _ in self.regions]
        for rank, i in enumerate(self.order):
            self.alive[self.region_of[i]].append(i)
            if self.load[i] < self.capacity[i]:
                self.spare[self.region_of[i]].append(rank)

    def augment(self, start: int) -> None:
        """One breadth-first search from target ``start``; apply or kill what it saw."""
        search = _Search(self)
        path = search.run(2 * start)
        if path is None:
            self._kill(search.parent)
        else:
            self._apply(path)

    def _apply(self, path: list[int]) -> None:
        for node, nxt in pairwise(path):
            if node >= 0 > nxt:  # target (or same-region) node -> inspector: gain
                i = -nxt - 1
                self._add(node // 2, i, "repair", None, self.repair_key[i])
            elif nxt >= 0 > node:  # inspector -> target node: the target gives it up
                self._remove(nxt // 2, -node - 1)
        last = -path[-1] - 1
        self.load[last] += 1
        if self.load[last] == self.capacity[last]:
            ranks = self.spare[self.region_of[last]]
            del ranks[bisect.bisect_left(ranks, self.repair_rank[last])]

    def _kill(self, visited: Iterable[int]) -> None:
        """Visited nodes of a failed search cannot reach spare capacity, ever again."""
        dead_inspectors = set()
        for node in visited:
            if node >= 0:
                self.dead_nodes.add(node)
            else:
                dead_inspectors.add(-node - 1)
        if dead_inspectors:
            self.alive = [[i for i in lst if i not in dead_inspectors] for lst in self.alive]

    # -- result -------------------------------------------------------------------

    def result(self) -> Assignment:
        teams: list[Team] = []
        unstaffed: list[Unstaffed] = []
        for t, target in enumerate(self.targets):
            members = tuple(self.placed[t][i] for i in self.team[t])
            exclusions = tuple(
                self.conflict_index.exclusion(i, bits)
                for i, bits in sorted(self.conflicts[t].items())
            )
            if len(members) == self.size:
                teams.append(Team(target.id, members, exclusions))
            else:
                reason, detail = self._shortfall(t)
                unstaffed.append(Unstaffed(target.id, reason, detail, members, exclusions))
        return Assignment(self.seed, self.size, self.rule, tuple(teams), tuple(unstaffed))

    def _shortfall(self, t: int) -> tuple[Shortfall, str]:
        home = self.target_region[t]
        conflicted_home = sum(1 for i in self.conflicts[t] if self.region_of[i] == home)
        same = (self.region_size[home] if home >= 0 else 0) - conflicted_home
        other = len(self.inspectors) - same - len(self.conflicts[t])
        return explain_shortfall(self.targets[t].region, same, other, self.size, self.rule)


class _Search:
    """Breadth-first search for one augmenting path (module docstring, step 4).

    Unvisited inspectors are found through the per-region ``alive`` lists with
    path-compressed "next unvisited position" pointers, so a search costs about
    (inspectors + team slots + conflicts) of what it visits.
    """

    def __init__(self, state: _State) -> None:
        self.s = state
        self.parent: dict[int, int | None] = {}
        self.next = [list(range(len(lst) + 1)) for lst in state.alive]

    def run(self, root: int) -> list[int] | None:
        self.parent[root] = None
        queue = deque([root])
        while queue:
            node = queue.popleft()
            if node < 0:
                self._expand_inspector(-node - 1, node, queue)
                continue
            end = self._expand_target(node, queue)
            if end is not None:
                self.parent[end] = node
                return self._path(end)
        return None

    def _regions(self, node: int) -> list[int]:
        home = self.s.target_region[node // 2]
        if node % 2:
            return [home] if home >= 0 else []
        if self.s.rule == RegionRule.ANY:
            return list(range(len(self.s.regions)))
        return [r for r in range(len(self.s.regions)) if r != home]

    def _expand_target(self, node: int, queue: deque[int]) -> int | None:
        """Return an inspector node with spare capacity, or enqueue the neighbours."""
        s = self.s
        t, same_side = divmod(node, 2)
        regions = self._regions(node)
        spare = self._first_spare(t, regions)
        if spare is not None:
            return -spare - 1
        found = [i for r in regions for i in self._take_unvisited(t, r)]
        for i in sorted(found, key=s.repair_rank.__getitem__):
            self.parent[-i - 1] = node
            queue.append(-i - 1)
        if s.rule == RegionRule.AT_LEAST_ONE_OTHER:
            twin = node + 1 - 2 * same_side
            allowed = s.same[t] > 0 if same_side else s.same[t] < s.same_limit
            if allowed and twin not in self.parent and twin not in s.dead_nodes:
                self.parent[twin] = node
                queue.append(twin)
        return None

    def _first_spare(self, t: int, regions: list[int]) -> int | None:
        """First inspector in repair order with spare capacity that may join team ``t``."""
        s = self.s
        best: int | None = None
        for r in regions:
            for rank in s.spare[r]:
                if best is not None and rank > best:
                    break
                i = s.order[rank]
                if i not in s.conflicts[t] and i not in s.placed[t]:
                    best = rank
                    break
        return None if best is None else s.order[best]

    def _take_unvisited(self, t: int, region: int) -> list[int]:
        """Mark visited and return the unvisited eligible inspectors of ``region``."""
        s, nxt, alive = self.s, self.next[region], self.s.alive[region]
        taken: list[int] = []
        pos = _find(nxt, 0)
        while pos < len(alive):
            i = alive[pos]
            following = _find(nxt, pos + 1)
            if i not in s.conflicts[t] and i not in s.placed[t]:
                taken.append(i)
                nxt[pos] = following
            pos = following
        return taken

    def _expand_inspector(self, i: int, node: int, queue: deque[int]) -> None:
        s = self.s
        for t in sorted(s.serving[i]):
            same_side = s.rule == RegionRule.AT_LEAST_ONE_OTHER and (
                s.region_of[i] == s.target_region[t]
            )
            nxt = 2 * t + same_side
            if nxt not in self.parent and nxt not in s.dead_nodes:
                self.parent[nxt] = node
                queue.append(nxt)

    def _path(self, end: int) -> list[int]:
        path = [end]
        while (prev := self.parent[path[-1]]) is not None:
            path.append(prev)
        return path[::-1]


def _find(nxt: list[int], pos: int) -> int:
    """Smallest unvisited position >= ``pos``, compressing the pointer chain."""
    root = pos
    while nxt[root] != root:
        root = nxt[root]
    while nxt[pos] != root:
        nxt[pos], pos = root, nxt[pos]
    return root
