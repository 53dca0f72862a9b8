"""SM2 / SM3 (ticcoop.methods.sm2 and the SM2 side of methods.signing).

Reference values: GM/T 0004-2012 (= GB/T 32905-2016) Appendix A for SM3, and the signature
example on the recommended curve of GM/T 0003.5-2012 (= GB/T 32918.5-2017) Appendix A.2
(message "message digest", default user id, fixed k).  OpenSSL 3 is the independent check.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from ticcoop.methods import sm2
from ticcoop.methods.signing import (
    KeyRing,
    KeySetError,
    PublicKeySet,
    SignatureInvalid,
    generate_key,
    private_key_from_pem,
    sign_payload,
    verify_payload,
)

# GM/T 0003.5-2012 A.2
D = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
QX = 0x09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020
QY = 0xCCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13
K = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
Z_A = "b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3"
E = 0xF0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640
X1 = 0x04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73
R = 0xF5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
S = 0xB1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA
MESSAGE = b"message digest"
PUBLIC = b"\x04" + QX.to_bytes(32, "big") + QY.to_bytes(32, "big")

FIELDS: dict[str, str | int] = {"cert": "240112340567", "lab": "检测中心", "v": 3}
KEY = generate_key("13", date(2026, 1, 1), algorithm="SM2")
KEYSET = PublicKeySet([KEY.public])
TOKEN = sign_payload(FIELDS, KEY.private_key, KEY.kid)


def test_sm3_reference_values() -> None:
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3_hex(b"abcd" * 16) == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )
    hasher = sm2.sm3_hasher()
    for _ in range(16):
        hasher.update(b"abcd")
    assert hasher.finalize() == sm2.sm3(b"abcd" * 16)


def sm3_hex(data: bytes) -> str:
    return sm2.sm3(data).hex()


def _affine_add(p: tuple[int, int] | None, q: tuple[int, int] | None) -> tuple[int, int] | None:
    """Textbook affine point addition on sm2p256v1 (independent of the library)."""
    if p is None or q is None:
        return p or q
    if p[0] == q[0] and (p[1] + q[1]) % sm2.P == 0:
        return None
    if p == q:
        slope = (3 * p[0] * p[0] + sm2.A) * pow(2 * p[1], -1, sm2.P)
    else:
        slope = (q[1] - p[1]) * pow(q[0] - p[0], -1, sm2.P)
    x = (slope * slope - p[0] - q[0]) % sm2.P
    return x, (slope * (p[0] - x) - p[1]) % sm2.P


def _multiply(k: int, point: tuple[int, int]) -> tuple[int, int]:
    result: tuple[int, int] | None = None
    while k:
        if k & 1:
            result = _affine_add(result, point)
        point = _affine_add(point, point)  # type: ignore[assignment]
        k >>= 1
    assert result is not None
    return result


def test_standard_example_with_its_fixed_k() -> None:
    """GM/T 0003.5 A.2 step by step: Z_A, e, (x1, y1) = [k]G, r and s."""
    assert _multiply(D, (sm2.GX, sm2.GY)) == (QX, QY)
    assert sm2.z_value(PUBLIC).hex() == Z_A
    assert int.from_bytes(sm2.sm3(sm2.z_value(PUBLIC) + MESSAGE), "big") == E
    x1, _ = _multiply(K, (sm2.GX, sm2.GY))
    assert x1 == X1
    r = (E + x1) % sm2.N
    s = pow(1 + D, -1, sm2.N) * (K - r * D) % sm2.N
    assert (r, s) == (R, S)


def test_standard_signature_verifies_and_alterations_do_not() -> None:
    signature = encode_dss_signature(R, S)
    assert sm2.verify(PUBLIC, MESSAGE, signature)
    assert not sm2.verify(PUBLIC, b"message digesT", signature)
    assert not sm2.verify(PUBLIC, MESSAGE, encode_dss_signature(R, S + 1))
    assert not sm2.verify(PUBLIC, MESSAGE, encode_dss_signature(R, S + sm2.N))  # not canonical
    assert not sm2.verify(PUBLIC, MESSAGE, signature + b"\x00")
    with pytest.raises(sm2.Sm2Error, match="not a point"):
        sm2.z_value(PUBLIC[:-1] + bytes([PUBLIC[-1] ^ 1]))


def test_sm2_token_round_trip_and_layout() -> None:
    result = verify_payload(TOKEN, KEYSET)
    assert result.fields == FIELDS and result.issuer == "13"
    tag, kid, _, signature = TOKEN.split(".")
    assert (tag, kid) == ("TC1-SM2", KEY.kid)
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    assert sm2.canonical_signature(raw) is not None


def test_sm2_token_alterations_rejected() -> None:
    replacements = "A_-."
    for pos, original in enumerate(TOKEN):
        for ch in replacements:
            if ch != original:
                with pytest.raises(SignatureInvalid):
                    verify_payload(TOKEN[:pos] + ch + TOKEN[pos + 1 :], KEYSET)


def test_algorithm_of_token_must_be_the_key_algorithm() -> None:
    ed = generate_key("13", date(2025, 1, 1), algorithm="Ed25519")
    both = PublicKeySet([KEY.public, ed.public])
    relabelled = "TC1" + TOKEN.removeprefix("TC1-SM2")
    with pytest.raises(SignatureInvalid, match=r"expected 64|is SM2"):
        verify_payload(relabelled, both)
    ed_token = sign_payload(FIELDS, ed.private_key, ed.kid)
    with pytest.raises(SignatureInvalid, match=r"canonical DER|is Ed25519"):
        verify_payload("TC1-SM2" + ed_token.removeprefix("TC1"), both)


def test_keyset_entry_for_sm2_names_algorithm_and_carries_pem() -> None:
    document = json.loads(KEYSET.to_json())
    entry = document["keys"][0]
    assert entry["algorithm"] == "SM2"
    assert entry["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert len(base64.urlsafe_b64decode(entry["public_key"] + "==")) == 65
    assert list(PublicKeySet.from_json(KEYSET.to_json())) == list(KEYSET)
    entry["public_key_pem"] = sm2.public_key_pem(PUBLIC)
    with pytest.raises(KeySetError, match="public_key_pem"):
        PublicKeySet.from_json(json.dumps(document))


def test_private_key_pem_round_trip() -> None:
    pem = KEY.to_pem()
    loaded = private_key_from_pem(pem)
    assert sm2.public_point(loaded) == KEY.public.public_key
    assert verify_payload(sign_payload(FIELDS, loaded, KEY.kid), KEYSET).fields == FIELDS


def test_rotation_from_ed25519_to_sm2_keeps_old_tokens_valid() -> None:
    old = generate_key("12", date(2024, 1, 1), algorithm="Ed25519")
    ring = KeyRing([old])
    old_token = ring.sign("12", FIELDS)
    new = generate_key("12", date(2026, 1, 1), algorithm="SM2")
    ring.add(new)
    ring.retire(old.kid)
    keys = ring.public_key_set()
    assert verify_payload(old_token, keys).key_status == "retired"
    new_token = ring.sign("12", FIELDS)
    assert new_token.startswith("TC1-SM2." + new.kid)
    assert verify_payload(new_token, keys).kid == new.kid


# ------------------------------------------------------------- OpenSSL 3 cross-check

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl not installed")
# OpenSSL 3.0 signs with an empty id unless told: always name the GM/T 0009 default.
DISTID = "distid:1234567812345678"


def _openssl(*args: str) -> subprocess.CompletedProcess[bytes]:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], capture_output=True, check=False)


def _split_token(token: str) -> tuple[bytes, bytes]:
    signed, _, signature = token.rpartition(".")
    return signed.encode("ascii"), base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))


@needs_openssl
def test_openssl_verifies_a_ticcoop_token_and_refuses_a_changed_byte(tmp_path: Path) -> None:
    signed, signature = _split_token(TOKEN)
    (tmp_path / "pub.pem").write_text(KEY.public.to_dict()["public_key_pem"] or "")
    (tmp_path / "signed").write_bytes(signed)
    (tmp_path / "sig").write_bytes(signature)
    verify = ["pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"), "-rawin"]
    verify += ["-digest", "sm3", "-pkeyopt", DISTID, "-in", str(tmp_path / "signed")]
    verify += ["-sigfile", str(tmp_path / "sig")]
    assert _openssl(*verify).returncode == 0
    (tmp_path / "signed").write_bytes(signed[:-1] + bytes([signed[-1] ^ 1]))
    assert _openssl(*verify).returncode != 0


@needs_openssl
def test_ticcoop_verifies_an_openssl_signature_and_refuses_a_changed_byte(tmp_path: Path) -> None:
    key_file, message_file, sig_file = tmp_path / "key.pem", tmp_path / "m", tmp_path / "sig"
    assert _openssl("genpkey", "-algorithm", "SM2", "-out", str(key_file)).returncode == 0
    message = "TC1-SM2.签名由 OpenSSL 生成".encode()
    message_file.write_bytes(message)
    sign = ["pkeyutl", "-sign", "-inkey", str(key_file), "-rawin", "-digest", "sm3"]
    sign += ["-pkeyopt", DISTID, "-in", str(message_file), "-out", str(sig_file)]
    assert _openssl(*sign).returncode == 0
    public = sm2.public_point(private_key_from_pem(key_file.read_bytes()))
    signature = sig_file.read_bytes()
    assert sm2.verify(public, message, signature)
    assert not sm2.verify(public, message[:-1] + bytes([message[-1] ^ 1]), signature)
