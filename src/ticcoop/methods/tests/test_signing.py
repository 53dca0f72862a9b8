"""Tests for ticcoop.methods.signing (Ed25519 compact tokens, key sets, scope digest).

The SM2 side of the same module is tested in test_sm2.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import string
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from ticcoop.methods.signing import (
    KeyRing,
    KeySetError,
    PublicKeySet,
    SignatureInvalid,
    SigningKey,
    canonical_json,
    generate_key,
    key_id,
    private_key_from_pem,
    private_key_to_pem,
    scope_digest,
    sign_payload,
    verify_payload,
)

FIELDS: dict[str, str | int] = {"cert": "240112340567", "lab": "检测中心", "v": 3}
B64URL_AND_DOT = string.ascii_letters + string.digits + "-_."

KEY = generate_key("11", date(2024, 1, 1), algorithm="Ed25519")
KEYSET = PublicKeySet([KEY.public])
TOKEN = sign_payload(FIELDS, KEY.private_key, KEY.kid)


def _reject(token: object, keyset: PublicKeySet = KEYSET) -> str:
    with pytest.raises(SignatureInvalid) as info:
        verify_payload(token, keyset)  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith("not valid: ")
    return message


def test_round_trip_and_layout() -> None:
    result = verify_payload(TOKEN, KEYSET)
    assert result.fields == FIELDS
    assert (result.kid, result.issuer, result.key_status) == (KEY.kid, "11", "active")
    prefix, kid, payload, signature = TOKEN.split(".")
    assert (prefix, kid) == ("TC1", KEY.kid)
    assert base64.urlsafe_b64decode(payload + "==") == canonical_json(FIELDS)
    assert canonical_json(FIELDS) == '{"cert":"240112340567","lab":"检测中心","v":3}'.encode()
    assert len(signature) == 86


def test_kid_is_sha256_prefix_of_raw_public_key() -> None:
    raw = KEY.public.public_key
    assert KEY.kid == hashlib.sha256(raw).hexdigest()[:16] == key_id(raw)


def test_every_single_character_alteration_rejected() -> None:
    for pos, original in enumerate(TOKEN):
        for ch in B64URL_AND_DOT:
            if ch != original:
                _reject(TOKEN[:pos] + ch + TOKEN[pos + 1 :])


def test_truncation_and_extension_rejected() -> None:
    for end in range(len(TOKEN)):
        _reject(TOKEN[:end])
    for start in range(1, len(TOKEN)):
        _reject(TOKEN[start:])
    _reject(TOKEN + "A")
    _reject(TOKEN + ".")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_byte_flips_raise_only_signature_invalid(data: st.DataObject) -> None:
    raw = bytearray(TOKEN.encode("ascii"))
    index = data.draw(st.integers(0, len(raw) - 1))
    raw[index] ^= data.draw(st.integers(1, 255))
    _reject(raw.decode("latin-1"))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.binary(), st.integers(), st.none()))
def test_arbitrary_input_raises_only_signature_invalid(value: object) -> None:
    _reject(value)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=B64URL_AND_DOT, max_size=200))
def test_token_shaped_text_raises_only_signature_invalid(text: str) -> None:
    _reject("TC1." + KEY.kid + "." + text)


def test_wrong_key_and_unknown_kid() -> None:
    other = generate_key("11", date(2024, 1, 1), algorithm="Ed25519")
    forged = sign_payload(FIELDS, other.private_key, other.kid)
    assert _reject(forged) == f"not valid: unknown key {other.kid}"
    # a forger who reuses the genuine kid with their own key
    prefix, kid, payload, _ = TOKEN.split(".")
    signature = other.private_key.sign(f"{prefix}.{kid}.{payload}".encode())
    spoofed = f"{prefix}.{kid}.{payload}." + base64.urlsafe_b64encode(signature).decode().rstrip(
        "="
    )
    assert _reject(spoofed) == f"not valid: signature does not match key {KEY.kid}"


def test_altered_payload_with_valid_encoding_rejected() -> None:
    prefix, kid, _, signature = TOKEN.split(".")
    payload = base64.urlsafe_b64encode(canonical_json({**FIELDS, "v": 4})).decode().rstrip("=")
    assert "signature does not match" in _reject(f"{prefix}.{kid}.{payload}.{signature}")


def test_non_canonical_payload_rejected_even_if_signed() -> None:
    payload = base64.urlsafe_b64encode(b'{"v": 3}').decode().rstrip("=")
    signed = f"TC1.{KEY.kid}.{payload}"
    signature = base64.urlsafe_b64encode(KEY.private_key.sign(signed.encode())).decode()
    assert "canonical JSON" in _reject(f"{signed}.{signature.rstrip('=')}")


def test_revoked_key_refused() -> None:
    keyset = PublicKeySet([KEY.revoked(date(2025, 3, 1)).public])
    assert _reject(TOKEN, keyset) == f"not valid: key {KEY.kid} was revoked on 2025-03-01"


def test_rotation() -> None:
    old = generate_key("12", date(2024, 1, 1))
    ring = KeyRing([old])
    old_token = ring.sign("12", FIELDS, at=date(2024, 6, 1))
    new = generate_key("12", date(2025, 1, 1))
    ring.add(new)
    ring.retire(old.kid)
    new_token = ring.sign("12", FIELDS, at=date(2025, 6, 1))
    assert new_token.split(".")[1] == new.kid != old.kid
    keyset = PublicKeySet.from_json(ring.public_key_set().to_json())
    assert verify_payload(old_token, keyset).key_status == "retired"
    assert verify_payload(new_token, keyset).kid == new.kid
    ring.revoke(old.kid, date(2025, 7, 1))
    keyset = ring.public_key_set()
    assert "was revoked on 2025-07-01" in _reject(old_token, keyset)
    assert verify_payload(new_token, keyset).fields == FIELDS


def test_signing_key_selection() -> None:
    ring = KeyRing([generate_key("13", date(2030, 1, 1))])
    with pytest.raises(LookupError, match="no active signing key for issuer '13'"):
        ring.signing_key("13", at=date(2025, 1, 1))
    assert ring.signing_key("13", at=date(2030, 1, 1)).issuer == "13"
    with pytest.raises(LookupError):
        ring.signing_key("platform")


def test_sign_payload_checks_kid_and_field_types() -> None:
    with pytest.raises(ValueError, match="does not belong"):
        sign_payload(FIELDS, KEY.private_key, "0" * 16)
    with pytest.raises(TypeError):
        sign_payload({"x": 1.5}, KEY.private_key, KEY.kid)  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        sign_payload({"x": True}, KEY.private_key, KEY.kid)


def test_keyset_json_round_trip_and_shape() -> None:
    revoked = generate_key("platform", date(2023, 5, 1), "Ed25519").revoked(date(2024, 2, 2))
    keyset = PublicKeySet([KEY.public, revoked.public])
    document = json.loads(keyset.to_json())
    assert document["format"] == 1
    entry = next(e for e in document["keys"] if e["issuer"] == "platform")
    assert set(entry) == {
        "kid",
        "issuer",
        "algorithm",
        "public_key",
        "status",
        "valid_from",
        "revoked_at",
    }
    assert (entry["algorithm"], entry["status"], entry["revoked_at"]) == (
        "Ed25519",
        "revoked",
        "2024-02-02",
    )
    assert len(base64.urlsafe_b64decode(entry["public_key"] + "=")) == 32
    again = PublicKeySet.from_json(keyset.to_json())
    assert list(again) == list(keyset)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda e: e.update(kid="0" * 16),
        lambda e: e.update(algorithm="RS256"),
        lambda e: e.update(status="lost"),
        lambda e: e.update(public_key="AAAA"),
        lambda e: e.update(valid_from="yesterday"),
        lambda e: e.pop("issuer"),
        lambda e: e.update(issuer="北京"),
        lambda e: e.update(revoked_at="2024-01-01"),
    ],
)
def test_keyset_from_json_rejects_malformed(mutate: object) -> None:
    document = json.loads(KEYSET.to_json())
    mutate(document["keys"][0])  # type: ignore[operator]
    with pytest.raises(KeySetError):
        PublicKeySet.from_json(json.dumps(document))


def test_keyset_from_json_rejects_non_keysets() -> None:
    for text in ["", "[]", '{"format": 2, "keys": []}', '{"format": 1, "keys": [1]}']:
        with pytest.raises(KeySetError):
            PublicKeySet.from_json(text)


def test_private_key_pem_round_trip() -> None:
    pem = KEY.to_pem()
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    loaded = private_key_from_pem(pem)
    assert key_id(loaded.public_key()) == KEY.kid
    assert private_key_to_pem(loaded) == pem
    with pytest.raises(KeySetError):
        private_key_from_pem("not a key")


def test_generate_key_checks_issuer() -> None:
    with pytest.raises(KeySetError, match="issuer"):
        generate_key("Beijing")
    assert generate_key("platform").algorithm == "SM2"  # the default for new keys
    assert isinstance(generate_key("platform", algorithm="Ed25519").private_key, Ed25519PrivateKey)
    with pytest.raises(KeySetError, match="algorithm"):
        generate_key("platform", algorithm="RSA")
    assert isinstance(SigningKey, type)


def test_scope_digest() -> None:
    rows = [["食品", "GB 5009.3-2016", "水分"], ["水", "GB/T 5750", "浑浊度"]]
    expected = hashlib.sha256(
        "\x1e".join(sorted("\x1f".join(r) for r in rows)).encode("utf-8")
    ).hexdigest()
    assert scope_digest(rows) == expected
    assert scope_digest(reversed(rows)) == expected
    assert scope_digest([]) == hashlib.sha256(b"").hexdigest()
    assert scope_digest([["a", "b"]]) != scope_digest([["ab"]])
    with pytest.raises(ValueError, match="separator"):
        scope_digest([["a\x1fb"]])
