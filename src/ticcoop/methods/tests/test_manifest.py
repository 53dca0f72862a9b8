"""Tests for ticcoop.methods.manifest, manifest_files and manifest_verify: draw manifests."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticcoop.cli.draw_verify import main as verify_main
from ticcoop.methods import digests, manifest_files, signing
from ticcoop.methods.manifest import (
    CeremonyRecord,
    DrawParameters,
    build_manifest,
    fast_canonical_json,
    manifest_digest,
    parse_manifest,
    serialise_manifest,
    sign_manifest,
    snapshot_document,
)
from ticcoop.methods.manifest_files import (
    ManifestInputError,
    TargetRow,
    read_inspectors_csv,
    read_targets_csv,
    write_inspectors_csv,
    write_targets_csv,
)
from ticcoop.methods.manifest_verify import verify_manifest
from ticcoop.methods.seed import (
    JsonValue,
    SeedInputError,
    canonical_json,
    commit_for,
    snapshot_hash,
)
from ticcoop.methods.strata import StratumKey
from ticcoop.methods.team_rules import Inspector

KEY = signing.generate_key("platform", valid_from=date(2025, 1, 1))
KEYS = signing.PublicKeySet([KEY.public])
OTHER = signing.generate_key("11", valid_from=date(2025, 1, 1))

TARGETS = [
    TargetRow(f"T{n:02d}", f"对象{n}", region, "B", "JC-01", institutions=frozenset({f"G{n % 3}"}))
    for n, region in enumerate(["11"] * 5 + ["12"] * 3, start=1)
] + [TargetRow("T09", "对象9", "12", "C", "JC-02", excluded="已注销")]
INSPECTORS = [
    Inspector("I1", "11", "G1", 2),
    Inspector("I2", "11", "ORG-A", 2, recent_targets=frozenset({"T01"})),
    Inspector("I3", "12", "ORG-B", 2),
    Inspector("I4", "12", "G2", 1),
    Inspector("I5", "13", "ORG-C", 2),
]
RATES = {StratumKey("11", "B", "JC-01"): "0.4", StratumKey("12", "B", "JC-01"): "0.34"}
PARAMS = DrawParameters(rates=RATES, replacements=1, team_size=2)
CEREMONY_ID = "SUP-TEST-C1"
REVEALS = {"11": "beijing-secret-0001", "12": "tianjin-secret-0002"}


def _ceremony(reveals: dict[str, str] = REVEALS) -> CeremonyRecord:
    commits = {p: commit_for(CEREMONY_ID, p, r) for p, r in REVEALS.items()}
    return CeremonyRecord(CEREMONY_ID, commits, reveals, "3 1 4 1 5 9")


def _published() -> tuple[bytes, bytes, bytes]:
    targets, inspectors = write_targets_csv(TARGETS), write_inspectors_csv(INSPECTORS)
    manifest = build_manifest(
        batch={"id": "B1", "title": "测试批次"},
        targets_csv=targets,
        inspectors_csv=inspectors,
        params=PARAMS,
        ceremony=_ceremony(),
    )
    signed = sign_manifest(manifest, lambda f: signing.sign_payload(f, KEY.private_key, KEY.kid))
    return serialise_manifest(signed), targets, inspectors


MANIFEST, TARGETS_CSV, INSPECTORS_CSV = _published()


def test_published_manifest_verifies_and_contains_the_draw() -> None:
    assert verify_manifest(MANIFEST, TARGETS_CSV, INSPECTORS_CSV, KEYS) == []
    document = parse_manifest(MANIFEST)
    sizes = {(s["region"], s["item"]): s["size"] for s in document["strata"]}
    assert sizes == {("11", "JC-01"): 2, ("12", "JC-01"): 2}  # ceil(0.4*5), ceil(0.34*3)
    assert all(len(s["replacements"]) == 1 for s in document["strata"])
    drawn = {d["id"] for s in document["strata"] for d in s["drawn"]}
    teams = document["teams"]
    assert {t["target"] for t in teams["assigned"]} | {
        u["target"] for u in teams["unstaffed"]
    } == drawn
    assert "T09" not in json.dumps(document["strata"])  # excluded rows are not drawn
    assert document["snapshot"]["sha256"] == snapshot_hash(document["snapshot"]["document"])


def test_snapshot_is_fixed_before_the_seed() -> None:
    document = snapshot_document(TARGETS_CSV, INSPECTORS_CSV, PARAMS)
    assert parse_manifest(MANIFEST)["snapshot"]["document"] == document
    with pytest.raises(ManifestInputError, match="no rate for stratum"):
        snapshot_document(TARGETS_CSV, INSPECTORS_CSV, DrawParameters(rates={}))


def test_every_changed_byte_of_the_manifest_is_detected() -> None:
    for position in range(len(MANIFEST)):
        delta = (0x01, 0x20, 0x80)[position % 3]  # low bit, case/space bit, UTF-8 bit
        changed = bytearray(MANIFEST)
        changed[position] ^= delta
        result = verify_manifest(bytes(changed), TARGETS_CSV, INSPECTORS_CSV, KEYS)
        assert result, f"byte {position} ^ {delta:#x} not detected"


@pytest.mark.parametrize("which", ["targets", "inspectors"])
def test_every_changed_byte_of_an_input_csv_is_detected(which: str) -> None:
    original = TARGETS_CSV if which == "targets" else INSPECTORS_CSV
    for position in range(len(original)):
        changed = bytearray(original)
        changed[position] ^= 1
        files = (
            (bytes(changed), INSPECTORS_CSV)
            if which == "targets"
            else (TARGETS_CSV, bytes(changed))
        )
        result = verify_manifest(MANIFEST, *files, None)
        assert result and f"{which}_csv_sha256" in result[0], position


def test_consistent_forgery_is_caught_by_the_signature_only() -> None:
    """A re-signed manifest with another key verifies without keys but not with them."""
    document = parse_manifest(MANIFEST)
    document["batch"]["title"] = "篡改"
    forged = sign_manifest(
        document, lambda f: signing.sign_payload(f, OTHER.private_key, OTHER.kid)
    )
    assert verify_manifest(serialise_manifest(forged), TARGETS_CSV, INSPECTORS_CSV) == []
    result = verify_manifest(serialise_manifest(forged), TARGETS_CSV, INSPECTORS_CSV, KEYS)
    assert result == [f"$.signature: not valid: unknown key {OTHER.kid}"]


def test_tampered_draw_reports_the_first_difference() -> None:
    document = parse_manifest(MANIFEST)
    first = document["strata"][0]
    first["drawn"][0], first["replacements"][0] = first["replacements"][0], first["drawn"][0]
    result = verify_manifest(document, TARGETS_CSV, INSPECTORS_CSV)
    assert result and result[0].startswith("$.strata[0].drawn[0].id: manifest says")


def test_bad_reveal_is_reported() -> None:
    document = parse_manifest(MANIFEST)
    document["ceremony"]["reveals"]["12"] = "tianjin-secret-9999"
    result = verify_manifest(document, TARGETS_CSV, INSPECTORS_CSV)
    assert result == ["$.ceremony: reveal does not match commit for 12"]


def test_csv_errors_name_line_and_field() -> None:
    bad = TARGETS_CSV.replace(b",B,JC-01", b",E,JC-01", 1)
    with pytest.raises(ManifestInputError, match=r"targets.csv line 2: risk_class 'E'"):
        read_targets_csv(bad)
    duplicate = INSPECTORS_CSV + INSPECTORS_CSV.split(b"\r\n")[1] + b"\r\n"
    with pytest.raises(ManifestInputError, match=r"line 7: id 'I1' already on line 2"):
        read_inspectors_csv(duplicate)
    assert read_targets_csv(TARGETS_CSV) == sorted(TARGETS, key=lambda r: (r.id, r.item))


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")[:-1]


def test_a_repeated_target_is_named_with_its_first_line_in_any_order() -> None:
    header, *rows = _lines(TARGETS_CSV)
    # sorted as written: the repeat follows its first line
    repeated = b"\r\n".join([header, *rows[:3], rows[2], *rows[3:]]) + b"\r\n"
    with pytest.raises(
        ManifestInputError, match=r"line 5: id 'T03' with item 'JC-01' already on line 4"
    ):
        read_targets_csv(repeated)
    # out of order (a hand-made file): the repeat is found far from its first line
    shuffled = [rows[4], rows[0], rows[6], rows[1], rows[0], rows[2]]
    data = b"\r\n".join([header, *shuffled]) + b"\r\n"
    with pytest.raises(
        ManifestInputError, match=r"line 6: id 'T01' with item 'JC-01' already on line 3"
    ):
        read_targets_csv(data)
    unordered = b"\r\n".join([header, *reversed(rows)]) + b"\r\n"
    assert sorted(read_targets_csv(unordered), key=lambda r: (r.id, r.item)) == sorted(
        TARGETS, key=lambda r: (r.id, r.item)
    )


def test_a_bad_byte_is_found_across_check_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manifest_files, "TEXT_CHUNK", 5)  # a character split between chunks
    start = TARGETS_CSV.index("对象3".encode())
    bad = TARGETS_CSV[: start + 1] + b"\xff" + TARGETS_CSV[start + 1 :]  # inside a character
    # the byte of the whole file (1-based) where the broken character starts
    with pytest.raises(ManifestInputError, match=rf"targets.csv: byte {start + 1} is not UTF-8"):
        read_targets_csv(bad)
    assert read_targets_csv(TARGETS_CSV) == sorted(TARGETS, key=lambda r: (r.id, r.item))


def test_written_in_chunks_the_file_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manifest_files, "WRITE_CHUNK", 2)
    assert write_targets_csv(TARGETS) == TARGETS_CSV
    assert write_inspectors_csv(INSPECTORS) == INSPECTORS_CSV


def test_cli_prints_ok_or_the_first_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, data in (
        ("m.json", MANIFEST),
        ("t.csv", TARGETS_CSV),
        ("i.csv", INSPECTORS_CSV),
        ("keys.json", KEYS.to_json().encode()),
        ("bad.json", MANIFEST.replace(b'"B1"', b'"B2"')),
    ):
        (tmp_path / name).write_bytes(data)
    common = ["--targets", str(tmp_path / "t.csv"), "--inspectors", str(tmp_path / "i.csv")]
    keys = ["--keys", str(tmp_path / "keys.json")]
    assert verify_main([str(tmp_path / "m.json"), *common, *keys]) == 0
    assert capsys.readouterr().out == "OK\n"
    assert verify_main([str(tmp_path / "bad.json"), *common, *keys]) == 1
    assert capsys.readouterr().out.startswith("DIFFERENCE: $.signature")
    assert verify_main([str(tmp_path / "missing.json"), *common]) == 2


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=12,
    )
)
def test_fast_canonical_json_equals_the_reference(value: JsonValue) -> None:
    try:
        expected = canonical_json(value)
    except SeedInputError:
        return
    assert fast_canonical_json(value) == expected


def _published_sm3() -> bytes:
    manifest = build_manifest(
        batch={"id": "B1", "title": "测试批次"},
        targets_csv=TARGETS_CSV,
        inspectors_csv=INSPECTORS_CSV,
        params=PARAMS,
        ceremony=_ceremony(),
        digest_algorithm="sm3",
    )
    signed = sign_manifest(manifest, lambda f: signing.sign_payload(f, KEY.private_key, KEY.kid))
    return serialise_manifest(signed)


def test_an_sm3_manifest_names_its_algorithm_and_verifies() -> None:
    data = _published_sm3()
    assert verify_manifest(data, TARGETS_CSV, INSPECTORS_CSV, KEYS) == []
    document = parse_manifest(data)
    snapshot = document["snapshot"]
    assert snapshot["sha256"] == snapshot_hash(snapshot["document"], "sm3")
    assert snapshot["sha256"].startswith("sm3:")
    inner = snapshot["document"]
    assert inner["targets_csv_sha256"] == digests.digest("sm3", TARGETS_CSV)
    assert inner["strata_sha256"].startswith("sm3:")
    signed = signing.verify_payload(document["signature"], KEYS).fields
    assert signed["sha256"] == manifest_digest(document)
    assert str(signed["sha256"]).startswith("sm3:")
    # the seed method stays SHA-256 (docs/methods/manifest.md §8); its input holds the SM3 hash
    assert snapshot["sha256"] in document["ceremony"]["seed_input"]
    assert len(document["ceremony"]["seed"]) == 64
    # a changed byte of an input file is found with the manifest's own algorithm
    problems = verify_manifest(data, TARGETS_CSV + b"\n", INSPECTORS_CSV, KEYS)
    assert problems and "targets_csv_sha256" in problems[0] and "sm3:" in problems[0]


def test_an_sm3_manifest_relabelled_as_sha256_is_refused() -> None:
    document = parse_manifest(_published_sm3())
    document["snapshot"]["sha256"] = document["snapshot"]["sha256"].removeprefix("sm3:")
    problems = verify_manifest(document, TARGETS_CSV, INSPECTORS_CSV, KEYS)
    assert problems and problems[0].startswith("$.signature")
