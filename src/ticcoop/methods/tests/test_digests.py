"""Digests by name: SHA-256 and SM3 against published values and OpenSSL."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ticcoop.methods.digests import (
    MAX_LENGTH,
    DigestFormatError,
    algorithm_of,
    digest,
    hasher,
    hexdigest,
    labelled,
    matches,
    split,
)

ABC = {
    "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",  # FIPS 180-2 B.1
    "sm3": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",  # GM/T 0004 A.1
}


@pytest.mark.parametrize("algorithm", sorted(ABC))
def test_reference_values_and_incremental_use(algorithm: str) -> None:
    assert hexdigest(algorithm, b"abc") == ABC[algorithm]
    digest = hasher(algorithm)
    for piece in (b"a", b"", b"bc"):
        digest.update(piece)
    assert digest.hexdigest() == ABC[algorithm]
    digest.update(b"d")  # hexdigest does not end the hasher
    assert digest.hexdigest() == hexdigest(algorithm, b"abcd")


def test_unknown_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="md5"):
        hasher("md5")


OPENSSL = shutil.which("openssl")


@pytest.mark.skipif(OPENSSL is None, reason="openssl not installed")
@pytest.mark.parametrize("algorithm", sorted(ABC))
def test_openssl_gives_the_same_digest_of_a_file(algorithm: str, tmp_path: Path) -> None:
    data = "检验检测 evidence\x00\xff".encode() * 5000
    path = tmp_path / "evidence.bin"
    path.write_bytes(data)
    result = subprocess.run(
        [str(OPENSSL), "dgst", f"-{algorithm}", "-r", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.split()[0] == hexdigest(algorithm, data)


def test_written_form_names_the_algorithm_and_bare_hex_is_sha256() -> None:
    assert digest("sha256", b"abc") == ABC["sha256"]  # as every record before SM3
    assert digest("sm3", b"abc") == "sm3:" + ABC["sm3"]
    assert split(ABC["sha256"]) == ("sha256", ABC["sha256"])
    assert split("sha256:" + ABC["sha256"]) == ("sha256", ABC["sha256"])
    assert split("sm3:" + ABC["sm3"]) == ("sm3", ABC["sm3"])
    assert algorithm_of("sm3:" + ABC["sm3"]) == "sm3"
    assert len("sha256:" + ABC["sha256"]) == MAX_LENGTH


@pytest.mark.parametrize(
    "recorded",
    ["", "md5:" + "0" * 64, "sm3:" + "0" * 63, "0" * 65, "SM3:" + "0" * 64, "sm3:" + "A" * 64],
)
def test_malformed_digests_are_refused_and_never_match(recorded: str) -> None:
    with pytest.raises(DigestFormatError):
        split(recorded)
    assert not matches(recorded, b"abc")


@pytest.mark.parametrize("algorithm", sorted(ABC))
def test_matches_recomputes_with_the_recorded_algorithm(algorithm: str) -> None:
    recorded = digest(algorithm, b"abc")
    assert matches(recorded, b"abc")
    assert not matches(recorded, b"abd")
    other = "sm3" if algorithm == "sha256" else "sha256"
    assert not matches(labelled(algorithm, ABC[other]), b"abc")  # the prefix decides
