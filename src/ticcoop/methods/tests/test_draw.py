"""Tests for ticcoop.methods.draw and .strata against the consistent-sampler package."""

from __future__ import annotations

import hashlib
import itertools
from fractions import Fraction

import consistent_sampler as cs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticcoop.methods.draw import (
    DrawInputError,
    Ticket,
    format_ticket,
    hash_ids,
    sample,
    seed_hash,
    smallest,
    ticket_for,
    ticket_number,
    ticket_prefixes,
)
from ticcoop.methods.strata import (
    StratumKey,
    draw_stratified,
    group_by_stratum,
    parse_rate,
    sample_size,
    stratum_seed,
)

SEED = "01382438112797316654"
MIXED_IDS = [
    "AB-130",
    "00123",
    "123",
    "0123",
    "北京市检测所-001",
    "天津·第二实验室",
    "河北 省 质检",
    "Ω-λ",
    "emoji-😀",
    "",  # the package accepts the empty string as an id
    " 7 ",
]


def package(ids: list[str], seed: str, take: float = float("inf")) -> list[tuple[str, str, int]]:
    """The reference: consistent_sampler's tuples with 18 digits."""
    stream = cs.sampler(ids, seed=seed, with_replacement=False, output="tuple", digits=18)
    return list(itertools.islice(stream, None if take == float("inf") else int(take)))


def ours(ids: list[str], seed: str, take: int | None = None) -> list[tuple[str, str, int]]:
    return [(t.display(18), t.id, 1) for t in sample(ids, seed, take)]


# -- tickets ---------------------------------------------------------------


def test_docstring_example_of_the_package() -> None:
    ticket = ticket_for("AB-130", SEED)
    assert ticket.number == (
        "0.26299714122838008416507544297546663599715395525154425586041245287750224561854"
    )
    assert ticket.number == cs.first_fraction("AB-130", SEED)
    assert seed_hash(SEED) == cs.sha256_hex(SEED)


@pytest.mark.parametrize("target_id", MIXED_IDS)
@pytest.mark.parametrize("seed", [SEED, "种子-2025", "", "x|y"])
def test_ticket_number_equals_first_fraction(target_id: str, seed: str) -> None:
    assert ticket_for(target_id, seed).number == cs.first_fraction(target_id, seed)


@given(st.text(alphabet="0123456789", min_size=1, max_size=90), st.integers(0, 30))
def test_format_ticket_equals_trim(mantissa: str, digits: int) -> None:
    number = "0." + mantissa
    assert format_ticket(number, digits) == cs.trim(number, digits)


@given(
    st.integers(0, 2**256 - 1)
    | st.builds(lambda k, m: k * 10**m - 1, st.integers(1, 99), st.integers(0, 70)),
    st.integers(0, 80),
)
def test_display_equals_trim_of_full_number(value: int, digits: int) -> None:
    ticket = Ticket("id", value % 2**256)
    assert ticket.display(digits) == cs.trim(ticket.number, digits)


@pytest.mark.parametrize("number", ["0.999", "0.9999999999999999999912345", "0.0001", "0.9"])
def test_format_ticket_leading_nines(number: str) -> None:
    assert format_ticket(number, 3) == cs.trim(number, 3)


def test_ticket_number_keeps_more_than_64_digits() -> None:
    value = 2**256 - 1  # 78 decimal digits: no padding, all kept (as sha256_uniform does)
    assert ticket_number(value) == "0." + str(value)[::-1]
    assert ticket_number(5) == "0.5" + "0" * 63


def test_prefixes_are_the_first_nine_ticket_digits() -> None:
    ids = [f"T{i}" for i in range(2000)]
    digests = hash_ids(ids, SEED)
    prefixes = ticket_prefixes(digests)
    for row in range(0, 2000, 97):
        value = int.from_bytes(digests[row].tobytes(), "big")
        assert f"{int(prefixes[row]):09d}" == ticket_number(value)[2:11]


# -- sampling equals the package ------------------------------------------------


def test_mixed_ids_full_order() -> None:
    assert ours(MIXED_IDS, SEED) == package(MIXED_IDS, SEED)


def test_package_docstring_example() -> None:
    ids = ["ab-1", "ab-2", "cd-1", "ef-3"]
    assert [(t.display(9), t.id) for t in sample(ids, "314159")] == [
        ("0.317685817", "cd-1"),
        ("0.832984519", "ef-3"),
        ("0.9098039269", "ab-1"),
        ("0.9231549043", "ab-2"),
    ]


def test_large_list_take_and_full_order() -> None:
    ids = [f"{i:05d}" for i in range(6000)] + [str(i) for i in range(6000)]  # "00123" vs "123"
    assert ours(ids, "大样本") == package(ids, "大样本")
    assert ours(ids, "x", take=300) == package(ids, "x", take=300)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(max_size=8), unique=True, max_size=40),
    st.text(max_size=12),
    st.integers(0, 45),
)
def test_equals_package_on_arbitrary_text(ids: list[str], seed: str, take: int) -> None:
    ids = [i for i in ids if _encodable(i)]
    if not _encodable(seed):
        seed = "s"
    assert ours(ids, seed, take) == package(ids, seed, take)


def test_ties_on_the_prefix_are_resolved_exactly() -> None:
    ids = [f"L{i}" for i in range(3000)]
    digests = hash_ids(ids, SEED)
    expected = [row for _, row in sorted((package_key(ids[r]), r) for r in range(3000))]
    coarse = ticket_prefixes(digests) // np.uint32(10**7)  # only 2 digits: many ties
    assert smallest(coarse, digests, ids, 3000) == expected
    assert smallest(coarse, digests, ids, 250) == expected[:250]
    flat = np.zeros(3000, dtype=np.uint32)  # every prefix equal
    assert smallest(flat, digests, ids, 40) == expected[:40]


def package_key(target_id: str) -> str:
    return cs.first_fraction(target_id, SEED)


@settings(max_examples=30, deadline=None)
@given(st.sets(st.integers(0, 400), max_size=120), st.integers(0, 10**6))
def test_consistency_subset_is_filtered_superset(chosen: set[int], seed_number: int) -> None:
    universe = [f"ID{i}" for i in range(401)]
    subset = [universe[i] for i in sorted(chosen)]
    seed = str(seed_number)
    full = [t.id for t in sample(universe, seed)]
    assert [t.id for t in sample(subset, seed)] == [i for i in full if i in set(subset)]


def test_order_of_input_does_not_matter() -> None:
    ids = [f"X{i}" for i in range(500)]
    assert sample(ids, SEED, 50) == sample(ids[::-1], SEED, 50)


def test_ticket_sort_key_orders_like_the_package() -> None:
    tickets = sample(MIXED_IDS, SEED)
    assert sorted(tickets, key=Ticket.sort_key) == tickets


def test_empty_and_zero_take() -> None:
    assert sample([], SEED) == []
    assert sample(["a", "b"], SEED, take=0) == []
    assert len(sample(["a", "b"], SEED, take=10)) == 2


@pytest.mark.parametrize(
    ("ids", "take", "message"),
    [
        (["a", "b", "a"], None, "duplicate id 'a' at positions 1 and 3"),
        (["a", 5], None, "id at position 2 must be a string, got int"),
        (["ok", "bad\ud800"], None, "at position 2 is not valid Unicode"),
        (["a"], -1, "take must be >= 0"),
        (["a"], 1.5, "take must be an integer"),
    ],
)
def test_bad_input(ids: list[object], take: object, message: str) -> None:
    with pytest.raises(DrawInputError, match=message.replace("(", r"\(")):
        sample(ids, SEED, take)  # type: ignore[arg-type]


def test_duplicates_rejected_even_when_taking_none() -> None:
    ids = [f"d{i}" for i in range(10_000)] + ["d77"]
    with pytest.raises(DrawInputError, match="duplicate id 'd77' at positions 78 and 10001"):
        sample(ids, SEED, take=0)


# -- strata ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "population", "size"),
    [
        ("0.05", 20, 1),
        ("0.05", 21, 2),
        (0.05, 20, 1),  # the float is read as written, not as 0.05000000000000000277
        ("0.05", 1, 1),  # at least one from a non-empty stratum
        ("0", 100, 0),
        ("1", 7, 7),
        (Fraction(1, 3), 9, 3),
        ("0.1", 0, 0),
    ],
)
def test_sample_size(rate: str, population: int, size: int) -> None:
    assert sample_size(rate, population) == size


@pytest.mark.parametrize("rate", ["1.5", "-0.1", "abc", "nan", float("inf"), True])
def test_bad_rates(rate: object) -> None:
    with pytest.raises(DrawInputError):
        parse_rate(rate)  # type: ignore[arg-type]


def test_stratum_key_validation() -> None:
    with pytest.raises(DrawInputError, match="risk class must be one of A, B, C, D"):
        StratumKey("北京", "E", "x")
    with pytest.raises(DrawInputError, match="may not contain"):
        StratumKey("北|京", "A", "x")


def test_stratum_seed_format() -> None:
    key = StratumKey("北京", "B", "食品")
    assert stratum_seed("abc", key) == "ticcoop-stratum-v1|abc|北京|B|食品"


def test_stratified_draw_matches_package_per_stratum() -> None:
    rows = [
        (f"{region}-{i:04d}", region, "ABCD"[i % 4], ("食品", "环境")[i % 2])
        for region in ("北京", "天津", "河北")
        for i in range(120)
    ]
    population = group_by_stratum(rows)
    rates = {key: "0.05" for key in population}
    rates[StratumKey("天津", "A", "食品")] = "0.5"
    result = draw_stratified(population, rates, SEED, replacements=3)
    assert [s.key for s in result.strata] == sorted(population)
    for stratum in result.strata:
        reference = package(population[stratum.key], stratum_seed(SEED, stratum.key))
        size = sample_size(rates[stratum.key], len(population[stratum.key]))
        got = [(t.display(18), t.id, 1) for t in stratum.drawn + stratum.replacements]
        assert stratum.size == size
        assert got == reference[: size + 3]
    assert len(result.drawn_ids()) == sum(s.size for s in result.strata)


def test_replacement_list_runs_out() -> None:
    key = StratumKey("内蒙古", "D", "建材")
    result = draw_stratified({key: ["a", "b", "c"]}, {key: "0.5"}, SEED, replacements=5)
    (stratum,) = result.strata
    assert (stratum.size, len(stratum.replacements)) == (2, 1)


def test_missing_rate_and_default() -> None:
    key = StratumKey("山西", "C", "机动车")
    with pytest.raises(DrawInputError, match=r"no rate for stratum \(山西, C, 机动车\)"):
        draw_stratified({key: ["a"]}, {}, SEED)
    assert draw_stratified({key: ["a"]}, {}, SEED, default_rate="0.01").strata[0].size == 1


def test_duplicate_in_stratum_names_stratum() -> None:
    key = StratumKey("河北", "A", "x")
    with pytest.raises(DrawInputError, match=r"stratum \(河北, A, x\): duplicate id 'a'"):
        draw_stratified({key: ["a", "a"]}, {key: "1"}, SEED)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_bare_hash_matches_digest_rows() -> None:
    digests = hash_ids(["北京"], SEED)
    expected = hashlib.sha256((cs.sha256_hex(SEED) + "北京").encode()).digest()
    assert digests[0].tobytes() == expected
