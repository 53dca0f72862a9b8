from __future__ import annotations

import itertools

import consistent_sampler
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticcoop.methods.draw import Ticket
from ticcoop.methods.rotation import (
    RotationInputError,
    candidate_id,
    candidates,
    draw_rotation,
    fairness,
    parse_candidate_id,
    rotation_seed,
    split_targets,
)

REGIONS = ["11", "12", "13", "14", "15"]


def test_candidate_counts_are_the_known_combinatorial_numbers() -> None:
    # derangements of 5 = 44; those without a 2-cycle are the 24 five-cycles;
    # 2-regular loopless digraphs on 5 vertices = 216, without mutual pairs = the 24
    # regular tournaments.
    assert sum(1 for _ in candidates(REGIONS, 1, no_mutual=False)) == 44
    assert sum(1 for _ in candidates(REGIONS, 1)) == 24
    assert sum(1 for _ in candidates(REGIONS, 2, no_mutual=False)) == 216
    assert sum(1 for _ in candidates(REGIONS, 2)) == 24
    assert [
        sum(1 for _ in candidates([str(i) for i in range(n)], 1, no_mutual=False))
        for n in range(2, 8)
    ] == [1, 2, 9, 44, 265, 1854]


def test_the_choice_is_the_first_candidate_in_consistent_sampler_order() -> None:
    ids = [candidate_id(pairs) for pairs in candidates(REGIONS)]
    reference = [
        item[1]
        for item in consistent_sampler.sampler(
            ids, seed=rotation_seed("2025-公开种子"), output="tuple"
        )
    ]
    rotation = draw_rotation(REGIONS, "2025-公开种子")
    assert rotation.candidate == reference[0]
    assert rotation.position == 0
    assert rotation.pairs == parse_candidate_id(reference[0])
    assert rotation.candidate_count == 24


def test_same_seed_same_rotation_and_other_seed_usually_differs() -> None:
    first = draw_rotation(REGIONS, "seed-a")
    assert draw_rotation(list(reversed(REGIONS)), "seed-a") == first
    chosen = {draw_rotation(REGIONS, f"seed-{n}").candidate for n in range(12)}
    assert len(chosen) > 3


def test_previous_pairs_are_avoided_when_possible() -> None:
    previous = draw_rotation(REGIONS, "2024").pairs
    rotation = draw_rotation(REGIONS, "2025", previous=previous)
    assert rotation.repeated == ()
    assert not set(rotation.pairs) & set(previous)


def test_previous_pairs_are_repeated_as_little_as_possible_when_unavoidable() -> None:
    # Three regions without mutual pairs: only the two 3-cycles; with one of them
    # previous and the other excluded, the repeat is unavoidable but reported.
    previous = [("1", "2"), ("2", "3"), ("3", "1")]
    rotation = draw_rotation(["1", "2", "3"], "s", previous=previous, excluded=[("1", "3")])
    assert set(rotation.pairs) == set(previous)
    assert rotation.repeated == tuple(sorted(previous))
    # Two regions, no mutual ban: the only rotation repeats both pairs.
    both = draw_rotation(["a", "b"], "s", previous=[("a", "b")], no_mutual=False)
    assert both.pairs == (("a", "b"), ("b", "a")) and both.repeated == (("a", "b"),)


def test_bad_input_gets_a_precise_error() -> None:
    with pytest.raises(RotationInputError, match="duplicate region code"):
        draw_rotation(["11", "11", "12"], "s")
    with pytest.raises(RotationInputError, match="at least two regions"):
        draw_rotation(["11"], "s")
    with pytest.raises(RotationInputError, match="k=4 is impossible"):
        draw_rotation(["1", "2", "3"], "s", k=4)
    with pytest.raises(RotationInputError, match="no rotation exists"):
        draw_rotation(["1", "2"], "s")  # a 2-cycle is the only derangement: mutual
    with pytest.raises(RotationInputError, match="may not contain"):
        draw_rotation(["1>2", "3"], "s")
    with pytest.raises(RotationInputError, match="non-empty"):
        draw_rotation(REGIONS, "")


def test_split_targets_deals_in_turn() -> None:
    tickets = [Ticket(str(n), n) for n in range(5)]
    shares = split_targets(tickets, ["14", "12"])
    assert [t.id for t in shares["12"]] == ["0", "2", "4"]
    assert [t.id for t in shares["14"]] == ["1", "3"]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=3, max_value=6),
    k=st.integers(min_value=1, max_value=3),
    seed=st.text(min_size=1, max_size=12),
    no_mutual=st.booleans(),
)
def test_property_no_self_inspection_and_fair_counts(
    n: int, k: int, seed: str, no_mutual: bool
) -> None:
    regions = [f"R{i}" for i in range(n)]
    try:
        rotation = draw_rotation(regions, seed, k, no_mutual=no_mutual)
    except RotationInputError as exc:  # only the truly impossible combinations fail
        assert k > n - 1 or "no rotation exists" in str(exc)
        assert (
            not any(
                True
                for _ in itertools.islice(
                    candidates(regions, min(k, n - 1), no_mutual=no_mutual), 1
                )
            )
            or k > n - 1
        )
        return
    assert all(a != b for a, b in rotation.pairs)
    assert fairness(rotation.pairs) == {r: (k, k) for r in regions}
    if no_mutual:
        assert not any((b, a) in rotation.pairs for a, b in rotation.pairs)
    assert draw_rotation(regions, seed, k, no_mutual=no_mutual) == rotation


@settings(max_examples=40, deadline=None)
@given(seed=st.text(min_size=1, max_size=12), last=st.text(min_size=1, max_size=12))
def test_property_five_regions_never_repeat_last_years_pairs(seed: str, last: str) -> None:
    previous = draw_rotation(REGIONS, last).pairs
    rotation = draw_rotation(REGIONS, seed, previous=previous)
    assert rotation.repeated == ()
    assert fairness(rotation.pairs) == {r: (1, 1) for r in REGIONS}
