"""Cross-inspection rotation (交叉互查轮换): which region inspects which, from a public seed.

Pure Python, no Django.  Re-runnable by anyone with the ``consistent-sampler`` package (see
docs/methods/rotation.md).  The rules:

* **Candidates.**  With ``n`` participating regions (codes, sorted by code point) and the
  pattern ``k`` (default 1), a candidate rotation is a set of ordered pairs ``a>b`` ("region
  ``a`` inspects region ``b``") in which no region inspects itself, every region inspects
  exactly ``k`` others and is inspected by exactly ``k`` others (for ``k = 1``: a
  derangement).  With ``no_mutual`` (the default) a candidate may not contain both ``a>b``
  and ``b>a`` (reciprocal inspection invites leniency); ``excluded`` pairs never occur.
  Every candidate is enumerated (at most :data:`MAX_CANDIDATES`).
* **Candidate id.**  The pairs sorted by code point and joined with ``;`` — for example
  ``11>12;12>13;13>14;14>15;15>11``.
* **Order.**  The candidate ids are ordered by Rivest's consistent sampling
  (:func:`ticcoop.methods.draw.sample`) under the seed ``"ticcoop-rotation-v1|" + seed``:
  exactly ``consistent_sampler.sampler(ids, seed="ticcoop-rotation-v1|" + seed)``.
* **Choice.**  The first candidate in that order among those repeating the fewest pairs
  of the previous campaign (``previous``); if some candidate repeats none, the chosen one
  repeats none.
* **Targets.**  When a region is inspected by several regions (``k > 1``), its drawn
  targets, in ticket order, go to its inspecting regions in turn, in code-point order
  (:func:`split_targets`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ticcoop.methods.draw import Ticket, sample

__all__ = [
    "LABEL",
    "MAX_CANDIDATES",
    "Rotation",
    "RotationInputError",
    "candidate_id",
    "candidates",
    "draw_rotation",
    "fairness",
    "parse_candidate_id",
    "rotation_seed",
    "split_targets",
]

LABEL = "ticcoop-rotation-v1"
MAX_CANDIDATES = 200_000
_FORBIDDEN = (">", ";", "|", "\n", "\r")

Pair = tuple[str, str]


class RotationInputError(ValueError):
    """Invalid rotation input; the message says which and why."""


@dataclass(frozen=True)
class Rotation:
    seed: str
    k: int
    no_mutual: bool
    pairs: tuple[Pair, ...]  # (inspecting, inspected), sorted
    candidate: str  # the chosen candidate id
    ticket: Ticket  # its consistent-sampling ticket
    position: int  # 0-based position of the chosen candidate in ticket order
    candidate_count: int
    repeated: tuple[Pair, ...]  # pairs of the previous campaign that occur again


def rotation_seed(seed: str) -> str:
    """The consistent-sampling seed of the candidate order."""
    return f"{LABEL}|{seed}"


def candidate_id(pairs: Iterable[Pair]) -> str:
    return ";".join(f"{a}>{b}" for a, b in sorted(pairs))


def parse_candidate_id(text: str) -> tuple[Pair, ...]:
    pairs: list[Pair] = []
    for part in text.split(";"):
        inspecting, sep, inspected = part.partition(">")
        if not sep or not inspecting or not inspected:
            raise RotationInputError(f"candidate part {part!r} is not of the form a>b")
        pairs.append((inspecting, inspected))
    return tuple(pairs)


def candidates(
    regions: Sequence[str],
    k: int = 1,
    *,
    no_mutual: bool = True,
    excluded: Iterable[Pair] = (),
) -> Iterator[tuple[Pair, ...]]:
    """Every valid rotation of ``regions`` (see module docstring), in lexicographic order."""
    codes = _check_regions(regions)
    _check_k(k, len(codes))
    banned = {tuple(pair) for pair in excluded}
    n = len(codes)
    inbound = [0] * n
    chosen: set[Pair] = set()
    rows: list[tuple[int, ...]] = []

    def options(i: int) -> list[int]:
        return [
            j
            for j in range(n)
            if j != i
            and inbound[j] < k
            and (codes[i], codes[j]) not in banned
            and not (no_mutual and (codes[j], codes[i]) in chosen)
        ]

    def fillable(after: int) -> bool:
        """Every region can still reach k inspectors from the rows not yet chosen."""
        remaining = n - after - 1
        return all(k - inbound[j] <= remaining - (1 if j > after else 0) for j in range(n))

    def walk(i: int) -> Iterator[tuple[Pair, ...]]:
        if i == n:
            yield tuple((codes[a], codes[b]) for a, row in enumerate(rows) for b in row)
            return
        for combo in _combinations(options(i), k):
            for j in combo:
                inbound[j] += 1
                chosen.add((codes[i], codes[j]))
            if fillable(i):
                rows.append(combo)
                yield from walk(i + 1)
                rows.pop()
            for j in combo:
                inbound[j] -= 1
                chosen.discard((codes[i], codes[j]))

    yield from walk(0)


def draw_rotation(
    regions: Sequence[str],
    seed: str,
    k: int = 1,
    *,
    previous: Iterable[Pair] = (),
    no_mutual: bool = True,
    excluded: Iterable[Pair] = (),
) -> Rotation:
    """The rotation chosen by the rules of the module docstring."""
    if not isinstance(seed, str) or not seed:
        raise RotationInputError("seed must be a non-empty string")
    before = {tuple(pair) for pair in previous}
    by_id: dict[str, tuple[Pair, ...]] = {}
    for pairs in candidates(regions, k, no_mutual=no_mutual, excluded=excluded):
        by_id[candidate_id(pairs)] = pairs
        if len(by_id) > MAX_CANDIDATES:
            raise RotationInputError(
                f"more than {MAX_CANDIDATES} candidate rotations for {len(regions)} regions "
                f"and k={k}; exhaustive enumeration is limited to small region counts"
            )
    if not by_id:
        raise RotationInputError(
            f"no rotation exists for regions {', '.join(sorted(regions))} with k={k}"
            + (", no mutual pairs" if no_mutual else "")
            + (" and the excluded pairs" if excluded else "")
        )
    order = sample(list(by_id), rotation_seed(seed))
    fewest = min(sum(pair in before for pair in pairs) for pairs in by_id.values())
    for position, ticket in enumerate(order):
        pairs = by_id[ticket.id]
        repeated = tuple(pair for pair in pairs if pair in before)
        if len(repeated) == fewest:
            return Rotation(
                seed=seed,
                k=k,
                no_mutual=no_mutual,
                pairs=pairs,
                candidate=ticket.id,
                ticket=ticket,
                position=position,
                candidate_count=len(by_id),
                repeated=repeated,
            )
    raise AssertionError("unreachable: some candidate has the fewest repeats")  # pragma: no cover


def fairness(pairs: Iterable[Pair]) -> dict[str, tuple[int, int]]:
    """Per region: (how many regions it inspects, by how many it is inspected)."""
    counts: dict[str, list[int]] = {}
    for inspecting, inspected in pairs:
        counts.setdefault(inspecting, [0, 0])[0] += 1
        counts.setdefault(inspected, [0, 0])[1] += 1
    return {region: (out, into) for region, (out, into) in sorted(counts.items())}


def split_targets(tickets: Sequence[Ticket], inspecting: Sequence[str]) -> dict[str, list[Ticket]]:
    """Drawn targets of one inspected region, in ticket order, dealt to its inspecting regions."""
    if not inspecting:
        raise RotationInputError("at least one inspecting region is needed")
    ordered = sorted(inspecting)
    shares: dict[str, list[Ticket]] = {code: [] for code in ordered}
    for index, ticket in enumerate(tickets):
        shares[ordered[index % len(ordered)]].append(ticket)
    return shares


def _combinations(items: list[int], k: int) -> Iterator[tuple[int, ...]]:
    if k == 0:
        yield ()
        return
    for index in range(len(items) - k + 1):
        for rest in _combinations(items[index + 1 :], k - 1):
            yield (items[index], *rest)


def _check_regions(regions: Sequence[str]) -> list[str]:
    codes = list(regions)
    for code in codes:
        if not isinstance(code, str) or not code:
            raise RotationInputError(f"region code must be a non-empty string, got {code!r}")
        if any(mark in code for mark in _FORBIDDEN):
            raise RotationInputError(f"region code {code!r} may not contain > ; | or line breaks")
    if len(set(codes)) != len(codes):
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        raise RotationInputError(f"duplicate region code(s): {', '.join(duplicates)}")
    if len(codes) < 2:
        raise RotationInputError("a rotation needs at least two regions")
    return sorted(codes)


def _check_k(k: int, n: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise RotationInputError(f"k must be an integer >= 1, got {k!r}")
    if k > n - 1:
        raise RotationInputError(f"k={k} is impossible with {n} regions (at most {n - 1})")
