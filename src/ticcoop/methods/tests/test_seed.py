"""Tests for ticcoop.methods.seed: canonical JSON, snapshot, commit–reveal, seed."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticcoop.methods.seed import (
    CeremonyError,
    JsonValue,
    RevealFailure,
    SeedInputError,
    canonical_json,
    combine_seed,
    commit_for,
    new_reveal,
    snapshot_hash,
    strata_snapshot,
    verify_reveal,
)
from ticcoop.methods.strata import StratumKey

CEREMONY = "2025-Q3-京津冀蒙晋"
SNAPSHOT = hashlib.sha256(b"inputs").hexdigest()
REVEALS = {
    "北京市市场监管局": "a" * 16 + "-beijing",
    "tianjin": "0123456789abcdef-tj",
    "hebei": new_reveal(),
}
COMMITS = {p: commit_for(CEREMONY, p, r) for p, r in REVEALS.items()}


# -- canonical JSON ----------------------------------------------------------------


def test_canonical_json_shape() -> None:
    doc: dict[str, JsonValue] = {"b": [1, True, None, "x"], "a": {"z": "", "é": '\n\u0001"\\/'}}
    assert canonical_json(doc) == '{"a":{"z":"","é":"\\n\\u0001\\"\\\\/"},"b":[1,true,null,"x"]}'


def test_keys_sorted_by_utf16_code_units() -> None:
    # U+FFFD sorts after U+1F600 in UTF-16 (D83D DE00 < FFFD), before it by code point.
    assert canonical_json({"\ufffd": 1, "😀": 2}) == '{"😀":2,"\ufffd":1}'


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=12,
    )
)
def test_canonical_json_round_trips(value: object) -> None:
    try:
        text = canonical_json(value)  # type: ignore[arg-type]
    except SeedInputError:
        return  # lone surrogates
    assert json.loads(text) == value
    assert canonical_json(json.loads(text)) == text


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "float is not allowed"),
        (2**53, "exceeds 2\\*\\*53-1"),
        ({1: "x"}, "object key 1 is not a string"),
        ({"a": ["\ud800"]}, r"\$\.a\[0\]: string .* unpaired surrogates"),
    ],
)
def test_canonical_json_rejects(value: object, message: str) -> None:
    with pytest.raises(SeedInputError, match=message):
        canonical_json(value)  # type: ignore[arg-type]


def test_snapshot_hash_is_sha256_of_canonical_json() -> None:
    doc = {"ids": ["b", "a"], "rate": "0.05"}
    expected = hashlib.sha256(b'{"ids":["b","a"],"rate":"0.05"}').hexdigest()
    assert snapshot_hash(doc) == expected


def test_strata_snapshot_is_order_independent() -> None:
    k1, k2 = StratumKey("天津", "A", "食品"), StratumKey("北京", "B", "食品")
    one = strata_snapshot({k1: ["x2", "x1"], k2: ["y"]}, {k1: "0.05", k2: "0.1"}, replacements=2)
    two = strata_snapshot({k2: ["y"], k1: ["x1", "x2"]}, {k2: "0.1", k1: "0.05"}, replacements=2)
    assert snapshot_hash(one) == snapshot_hash(two)
    assert '"region":"北京"' in canonical_json(one).split("天津")[0]


# -- commit–reveal ----------------------------------------------------------------


def test_commit_is_documented_hash() -> None:
    reveal = "0123456789abcdef"
    text = f'["ticcoop-commit-v1","{CEREMONY}","hebei","{reveal}"]'
    assert commit_for(CEREMONY, "hebei", reveal) == hashlib.sha256(text.encode()).hexdigest()


def test_verify_reveal() -> None:
    commit = COMMITS["tianjin"]
    assert verify_reveal(CEREMONY, "tianjin", REVEALS["tianjin"], commit)
    assert verify_reveal(CEREMONY, "tianjin", REVEALS["tianjin"], commit.upper())
    assert not verify_reveal(CEREMONY, "hebei", REVEALS["tianjin"], commit)
    assert not verify_reveal("other", "tianjin", REVEALS["tianjin"], commit)
    assert not verify_reveal(CEREMONY, "tianjin", "short", commit)


def test_short_reveal_rejected() -> None:
    with pytest.raises(SeedInputError, match="at least 16 characters"):
        commit_for(CEREMONY, "p", "1234")


def test_new_reveal_is_fresh_256_bit_hex() -> None:
    a, b = new_reveal(), new_reveal()
    assert a != b and len(a) == 64 and int(a, 16) >= 0


# -- seed -----------------------------------------------------------------------


def test_seed_is_hash_of_documented_document() -> None:
    result = combine_seed(CEREMONY, SNAPSHOT, COMMITS, REVEALS, public_value="3 1 4 1 5")
    document: dict[str, JsonValue] = {
        "label": "ticcoop-seed-v1",
        "ceremony": CEREMONY,
        "snapshot": SNAPSHOT,
        "reveals": REVEALS,
        "public": "3 1 4 1 5",
    }
    assert result.seed_input == canonical_json(document)
    assert result.seed == hashlib.sha256(result.seed_input.encode()).hexdigest()
    assert result.participants == ("hebei", "tianjin", "北京市市场监管局")
    assert result.failures == ()


def test_seed_depends_on_every_part_but_not_on_mapping_order() -> None:
    base = combine_seed(CEREMONY, SNAPSHOT, COMMITS, REVEALS).seed
    reordered = dict(reversed(list(REVEALS.items())))
    assert combine_seed(CEREMONY, SNAPSHOT, COMMITS, reordered).seed == base
    assert combine_seed(CEREMONY, SNAPSHOT, COMMITS, REVEALS, public_value="7").seed != base
    other_snapshot = hashlib.sha256(b"other").hexdigest()
    assert combine_seed(CEREMONY, other_snapshot, COMMITS, REVEALS).seed != base


def test_missing_reveal_raises_with_recorded_failure() -> None:
    partial = {p: r for p, r in REVEALS.items() if p != "tianjin"}
    with pytest.raises(CeremonyError, match="missing reveal from tianjin") as caught:
        combine_seed(CEREMONY, SNAPSHOT, COMMITS, partial)
    assert caught.value.failures == (RevealFailure("tianjin", "missing"),)


def test_missing_reveal_recorded_when_allowed() -> None:
    partial = {p: r for p, r in REVEALS.items() if p != "tianjin"}
    result = combine_seed(CEREMONY, SNAPSHOT, COMMITS, partial, allow_missing=True)
    assert result.failures == (RevealFailure("tianjin", "missing"),)
    assert "tianjin" not in result.participants
    assert '"tianjin"' not in result.seed_input


def test_mismatching_reveal() -> None:
    forged = {**REVEALS, "hebei": "f" * 64}
    with pytest.raises(CeremonyError, match="does not match commit for hebei"):
        combine_seed(CEREMONY, SNAPSHOT, COMMITS, forged)


def test_no_valid_reveal_at_all() -> None:
    with pytest.raises(CeremonyError, match="no valid reveal"):
        combine_seed(CEREMONY, SNAPSHOT, COMMITS, {}, allow_missing=True)


@pytest.mark.parametrize(
    ("snapshot", "commits", "reveals", "message"),
    [
        ("XYZ", COMMITS, REVEALS, "snapshot must be 64 lower-case hex digits"),
        (SNAPSHOT, {}, {}, "no commits"),
        (
            SNAPSHOT,
            COMMITS,
            {**REVEALS, "intruder": "x" * 20},
            "reveals without a commit: intruder",
        ),
    ],
)
def test_bad_ceremony_input(
    snapshot: str, commits: dict[str, str], reveals: dict[str, str], message: str
) -> None:
    with pytest.raises(SeedInputError, match=message):
        combine_seed(CEREMONY, snapshot, commits, reveals)
