"""递补 (replacement targets): which published replacement is taken, and its team.

Pure Python, no Django (a candidate for ``ticcoop.methods``): anyone holding the published
``manifest.json``, ``targets.csv``, ``inspectors.csv`` and the published replacement log
(the voided target ids in order) can redo every replacement with :func:`replay`.  The rule
(docs/methods/manifest.md §7):

1. *Tasked* ids start as every drawn id of the manifest.  Each stratum has a cursor at the
   start of its published ``replacements`` list.  Every inspector's *load* starts as the
   number of teams (``assigned`` members and ``unstaffed`` partial members) they are on.
2. For each voided id ``V`` of the log, in order (``V`` must be tasked and not voided yet):
   for every stratum ``V`` was drawn in (or taken from, for a replacement), in manifest
   order, advance that stratum's cursor past entries that are tasked and take the next
   entry; none left → the list is exhausted (nothing is replaced).  Strata that take the
   same id give it one task covering their items.
3. Each new id ``R`` (in the order first taken) gets its team from
   :func:`ticcoop.methods.teams.assign_teams` with the one target ``R`` (its ties and
   institutions from targets.csv), the inspectors of inspectors.csv with capacity
   ``max(0, capacity − load)``, the manifest's seed, team size and region rule — so ``R``'s
   candidate order is exactly the one it would have had in the original draw.  The
   members (or the partial team) are added to the loads and ``R`` becomes tasked.

The voided team keeps its load (it did visit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ticcoop.methods.manifest_files import iter_targets_csv, read_inspectors_csv, team_targets
from ticcoop.methods.teams import Assignment, assign_teams

__all__ = ["ReplacementError", "Step", "check_log", "replay"]


class ReplacementError(ValueError):
    """The log cannot be replayed (unknown voided id, exhausted list); says why.

    ``stratum`` is ``region/risk_class/item`` when a replacement list is exhausted.
    """

    def __init__(self, message: str, stratum: str = "") -> None:
        super().__init__(message)
        self.stratum = stratum


@dataclass(frozen=True)
class Step:
    """One replacement target taken for voided id ``voided`` (log position ``number``)."""

    number: int
    voided: str
    target: str
    region: str
    items: tuple[str, ...]
    positions: tuple[int, ...]  # index in each stratum's published replacement list
    assignment: Assignment  # one team, or one unstaffed entry


def _stratum_label(stratum: Mapping[str, Any]) -> str:
    return f"{stratum['region']}/{stratum['risk_class']}/{stratum['item']}"


class _Replay:
    def __init__(
        self, manifest: Mapping[str, Any], targets_csv: bytes, inspectors_csv: bytes
    ) -> None:
        self.manifest = manifest
        self.strata: list[Mapping[str, Any]] = list(manifest["strata"])
        # only the rows a replacement can take (every row is still checked): the file may
        # hold millions
        candidates = {e["id"] for stratum in self.strata for e in stratum["replacements"]}
        self.rows = [row for row in iter_targets_csv(targets_csv) if row.id in candidates]
        self.inspectors = read_inspectors_csv(inspectors_csv)
        self.cursor = [0] * len(self.strata)
        self.origin: dict[str, list[int]] = {}
        for index, stratum in enumerate(self.strata):
            for drawn in stratum["drawn"]:
                self.origin.setdefault(drawn["id"], []).append(index)
        self.tasked = set(self.origin)
        self.voided: set[str] = set()
        self.load: dict[str, int] = {}
        teams = manifest["teams"]
        for entry in teams["assigned"]:
            self._add_load(m["inspector"] for m in entry["members"])
        for entry in teams["unstaffed"]:
            self._add_load(m["inspector"] for m in entry["partial"])

    def _add_load(self, inspectors: Any) -> None:
        for inspector in inspectors:
            self.load[inspector] = self.load.get(inspector, 0) + 1

    def step(self, number: int, voided: str) -> list[Step]:
        if voided not in self.tasked or voided in self.voided:
            raise ReplacementError(f"log entry {number}: {voided!r} has no live task to replace")
        taken: dict[str, list[tuple[int, int]]] = {}
        for index in self.origin[voided]:
            position = self._next(index)
            taken.setdefault(self.strata[index]["replacements"][position]["id"], []).append(
                (index, position)
            )
        self.voided.add(voided)
        steps = []
        for target, picks in taken.items():
            for index, position in picks:
                self.cursor[index] = position + 1
            self.origin[target] = [index for index, _ in picks]
            steps.append(self._staff(number, voided, target, picks))
        return steps

    def _next(self, index: int) -> int:
        entries = self.strata[index]["replacements"]
        position = self.cursor[index]
        while position < len(entries) and entries[position]["id"] in self.tasked:
            position += 1
        if position == len(entries):
            label = _stratum_label(self.strata[index])
            raise ReplacementError(f"stratum {label}: replacement list exhausted", label)
        return position

    def _staff(self, number: int, voided: str, target: str, picks: list[tuple[int, int]]) -> Step:
        (team_target,) = team_targets(self.rows, [target])
        pool = [
            replace(i, capacity=max(0, i.capacity - self.load.get(i.id, 0)))
            for i in self.inspectors
        ]
        teams = self.manifest["teams"]
        assignment = assign_teams(
            [team_target],
            pool,
            self.manifest["ceremony"]["seed"],
            size=teams["size"],
            rule=teams["rule"],
        )
        for team in assignment.teams:
            self._add_load(m.inspector for m in team.members)
        for short in assignment.unstaffed:
            self._add_load(m.inspector for m in short.partial)
        self.tasked.add(target)
        return Step(
            number=number,
            voided=voided,
            target=target,
            region=team_target.region,
            items=tuple(str(self.strata[index]["item"]) for index, _ in picks),
            positions=tuple(position for _, position in picks),
            assignment=assignment,
        )


def replay(
    manifest: Mapping[str, Any],
    targets_csv: bytes,
    inspectors_csv: bytes,
    log: Sequence[str],
) -> list[Step]:
    """Every replacement of the ordered ``log`` of voided target ids (module docstring)."""
    state = _Replay(manifest, targets_csv, inspectors_csv)
    steps: list[Step] = []
    for number, voided in enumerate(log, start=1):
        steps.extend(state.step(number, voided))
    return steps


def _members(step: Step) -> list[str]:
    assignment = step.assignment
    members = assignment.teams[0].members if assignment.teams else assignment.unstaffed[0].partial
    return sorted(m.inspector for m in members)


def check_log(
    manifest: Mapping[str, Any],
    targets_csv: bytes,
    inspectors_csv: bytes,
    entries: Sequence[Mapping[str, Any]],
) -> list[str]:
    """``[]`` if the published 递补 log entries are what :func:`replay` recomputes, else why."""
    voided = {int(e["number"]): str(e["voided"]) for e in entries}
    if sorted(voided) != list(range(1, len(voided) + 1)):
        return [f"log numbers must be 1..{len(voided)}, got {sorted(voided)}"]
    try:
        steps = replay(manifest, targets_csv, inspectors_csv, [voided[n] for n in sorted(voided)])
    except ReplacementError as exc:
        return [str(exc)]
    recomputed = sorted((s.number, s.target, sorted(s.items), _members(s)) for s in steps)
    published = sorted(
        (int(e["number"]), str(e["target"]), sorted(e["items"]), sorted(e["members"]))
        for e in entries
    )
    for mine, theirs in zip(recomputed, published, strict=False):
        if mine != theirs:
            return [f"log entry {theirs[0]}: published {theirs!r}, recomputed {mine!r}"]
    if len(recomputed) != len(published):
        return [f"{len(published)} published replacements, {len(recomputed)} recomputed"]
    return []
