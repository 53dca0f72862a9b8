"""Digests by name: SHA-256 and SM3 against published values and OpenSSL."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ticcoop.methods.digests import hasher, hexdigest

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
