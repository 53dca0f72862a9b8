"""Compact signed payloads (Ed25519 or SM2) for certificate QR codes, with key rotation.

Pure Python (``cryptography`` for Ed25519, :mod:`ticcoop.methods.sm2` for SM2), no Django
imports.  See docs/methods/signing.md.

Token layout (all ASCII, fits QR byte mode)::

    TC1.<kid>.<payload>.<signature>        Ed25519 (RFC 8032)
    TC1-SM2.<kid>.<payload>.<signature>    SM2 with SM3 (GM/T 0003, GM/T 0004)

* ``TC1`` / ``TC1-SM2`` — format version and the signature algorithm, which must be the
  algorithm of the key named by the kid (no algorithm confusion);
* ``kid`` — key id: first 16 lower-case hex characters of SHA-256 of the raw public key
  (32 bytes for Ed25519, the 65-byte uncompressed point for SM2);
* ``payload`` — base64url without padding (RFC 4648 §5) of the canonical JSON
  of the fields: keys sorted, separators ``(",", ":")``, ``ensure_ascii=False``,
  UTF-8; values are strings or integers;
* ``signature`` — base64url without padding of the signature of the ASCII bytes
  ``<tag>.<kid>.<payload>`` (everything before the last dot): the 64-byte Ed25519 signature,
  or the DER ``SEQUENCE {r, s}`` of SM2 (user id ``1234567812345678``).

Putting the kid before the payload (instead of at the end) lets the signature
cover the version tag and the kid as one contiguous prefix, as in JWS compact
serialisation (RFC 7515), so verifiers need no re-assembly.  Verification
rejects any non-canonical base64url or JSON, so every token has exactly one
valid spelling.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from ticcoop.methods import sm2

__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "TOKEN_TAGS",
    "KeyRing",
    "KeySetError",
    "KeyStatus",
    "PublicKey",
    "PublicKeySet",
    "SignatureInvalid",
    "SigningKey",
    "VerifiedPayload",
    "canonical_json",
    "generate_key",
    "key_id",
    "private_key_from_pem",
    "private_key_to_pem",
    "scope_digest",
    "sign_payload",
    "verify_payload",
]

ALGORITHMS = ("Ed25519", "SM2")
# New keys are SM2: what a provincial cryptography assessment (密评, GB/T 39786-2021) expects;
# Ed25519 keys keep verifying and can still be chosen (README, "Signing algorithm").
DEFAULT_ALGORITHM = "SM2"
TOKEN_TAGS = {"Ed25519": "TC1", "SM2": "TC1-SM2"}
_ALGORITHM_OF_TAG = {tag: name for name, tag in TOKEN_TAGS.items()}
_PUBLIC_KEY_LENGTHS = {"Ed25519": 32, "SM2": sm2.PUBLIC_KEY_LENGTH}
MAX_TOKEN_LENGTH = 4096  # a version-40 QR code holds at most 2953 bytes
KEYSET_FORMAT = 1

KeyStatus = Literal["active", "retired", "revoked"]
_STATUSES: tuple[KeyStatus, ...] = ("active", "retired", "revoked")
FieldValue = str | int
PrivateKey = Any  # Ed25519PrivateKey or an SM2 key object of methods.sm2

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_KID = re.compile(r"[0-9a-f]{16}")
_ISSUER = re.compile(r"platform|[0-9]{2}")


class SignatureInvalid(ValueError):
    """A token does not verify; the message starts with ``"not valid: "``.

    ``code`` says why, for applications that word the reason in their own language:
    ``format`` (not a well-formed token), ``unknown_key``, ``revoked_key`` or ``mismatch``
    (the signature does not match the key: the token was altered or forged).
    """

    def __init__(self, reason: str, code: str = "format") -> None:
        super().__init__(f"not valid: {reason}")
        self.code = code


class KeySetError(ValueError):
    """A published key set (or a key record) is malformed."""


# ------------------------------------------------------------------ encoding


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _strict_b64decode(text: str) -> bytes | None:
    """Base64url without padding, canonical spelling only; None if not."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        return None
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return data if _b64encode(data) == text else None


def _b64decode(text: str, what: str) -> bytes:
    data = _strict_b64decode(text)
    if data is None:
        raise SignatureInvalid(f"{what} is not canonical base64url")
    return data


def canonical_json(fields: Mapping[str, FieldValue]) -> bytes:
    """Canonical UTF-8 JSON: sorted keys, no whitespace, non-ASCII kept as is."""
    for name, value in fields.items():
        if not isinstance(name, str):
            raise TypeError(f"field name {name!r} is not a string")
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise TypeError(f"field {name!r} must be str or int, not {type(value).__name__}")
    text = json.dumps(dict(fields), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def key_id(public_key: Ed25519PublicKey | bytes) -> str:
    """First 16 hex characters of SHA-256 of the raw public key (32 or 65 bytes)."""
    raw = public_key if isinstance(public_key, bytes) else _raw_public(public_key)
    return hashlib.sha256(raw).hexdigest()[:16]


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def algorithm_of(private_key: PrivateKey) -> str:
    """ "SM2" or "Ed25519"; TypeError for any other key."""
    if sm2.is_private_key(private_key):
        return "SM2"
    if isinstance(private_key, Ed25519PrivateKey):
        return "Ed25519"
    raise TypeError(f"unsupported private key type {type(private_key).__name__}")


def raw_public_key(private_key: PrivateKey) -> bytes:
    """The raw public key of a private key: 32 bytes (Ed25519) or 65 bytes (SM2)."""
    if algorithm_of(private_key) == "SM2":
        return sm2.public_point(private_key)
    return _raw_public(private_key.public_key())


# ---------------------------------------------------------------- public keys


@dataclass(frozen=True)
class PublicKey:
    """One published verification key of an issuer (region code or "platform")."""

    issuer: str
    public_key: bytes  # raw: 32 bytes (Ed25519) or the 65-byte point 04||x||y (SM2)
    status: KeyStatus
    valid_from: date
    revoked_at: date | None = None
    algorithm: str = "Ed25519"

    def __post_init__(self) -> None:
        if not _ISSUER.fullmatch(self.issuer):
            raise KeySetError(f"issuer {self.issuer!r} must be a 2-digit region code or 'platform'")
        if self.algorithm not in ALGORITHMS:
            raise KeySetError(
                f"algorithm {self.algorithm!r} must be one of {', '.join(ALGORITHMS)}"
            )
        expected = _PUBLIC_KEY_LENGTHS[self.algorithm]
        if len(self.public_key) != expected:
            raise KeySetError(
                f"{self.algorithm} public key must be {expected} bytes, not {len(self.public_key)}"
            )
        if self.algorithm == "SM2":
            try:
                sm2.z_value(self.public_key)  # checks the point is on the curve
            except sm2.Sm2Error as exc:
                raise KeySetError(str(exc)) from exc
        if self.status not in _STATUSES:
            raise KeySetError(f"status {self.status!r} must be one of {', '.join(_STATUSES)}")
        if (self.status == "revoked") != (self.revoked_at is not None):
            raise KeySetError("revoked_at must be set exactly when status is 'revoked'")

    @property
    def kid(self) -> str:
        return key_id(self.public_key)

    def to_dict(self) -> dict[str, str | None]:
        entry = {
            "kid": self.kid,
            "issuer": self.issuer,
            "algorithm": self.algorithm,
            "public_key": _b64encode(self.public_key),
            "status": self.status,
            "valid_from": self.valid_from.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }
        if self.algorithm == "SM2":
            # For verifiers with OpenSSL alone (docs/methods/signing.md).
            entry["public_key_pem"] = sm2.public_key_pem(self.public_key)
        return entry

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PublicKey:
        """Parse one entry of the published key set; raises KeySetError."""
        try:
            if data["algorithm"] not in ALGORITHMS:
                raise KeySetError(f"algorithm {data['algorithm']!r} is not one of {ALGORITHMS}")
            raw = _strict_b64decode(data["public_key"])
            if raw is None:
                raise KeySetError("public_key is not canonical base64url")
            revoked = data.get("revoked_at")
            key = cls(
                issuer=data["issuer"],
                public_key=raw,
                status=data["status"],
                valid_from=date.fromisoformat(data["valid_from"]),
                revoked_at=date.fromisoformat(revoked) if revoked else None,
                algorithm=data["algorithm"],
            )
            if key.algorithm == "Ed25519":
                Ed25519PublicKey.from_public_bytes(raw)
            elif data.get("public_key_pem") != sm2.public_key_pem(raw):
                raise KeySetError("public_key_pem does not match public_key")
        except KeySetError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise KeySetError(f"malformed key entry: {exc!r}") from exc
        if data["kid"] != key.kid:
            raise KeySetError(f"kid {data['kid']!r} does not match its public key ({key.kid})")
        return key


class PublicKeySet:
    """The verification keys of all issuers, as published at /.well-known/ticcoop-keys.json."""

    def __init__(self, keys: Iterable[PublicKey] = ()) -> None:
        self._keys: dict[str, PublicKey] = {}
        for key in keys:
            self.add(key)

    def add(self, key: PublicKey) -> None:
        """Add or replace (same kid) a key."""
        self._keys[key.kid] = key

    def get(self, kid: str) -> PublicKey | None:
        return self._keys.get(kid)

    def __iter__(self) -> Iterator[PublicKey]:
        return iter(sorted(self._keys.values(), key=lambda k: (k.issuer, k.valid_from, k.kid)))

    def __len__(self) -> int:
        return len(self._keys)

    def to_json(self) -> str:
        """Serialise as {"format": 1, "keys": [...]} (sorted, UTF-8 friendly)."""
        document = {"format": KEYSET_FORMAT, "keys": [key.to_dict() for key in self]}
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> PublicKeySet:
        """Parse a published key set; raises KeySetError on any malformation."""
        try:
            document = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise KeySetError(f"key set is not JSON: {exc}") from exc
        if not isinstance(document, dict) or document.get("format") != KEYSET_FORMAT:
            raise KeySetError(f"key set must be an object with format {KEYSET_FORMAT}")
        entries = document.get("keys")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise KeySetError("key set 'keys' must be a list of objects")
        return cls(PublicKey.from_dict(entry) for entry in entries)


# --------------------------------------------------------------- private keys


def private_key_to_pem(private_key: PrivateKey) -> str:
    """PKCS#8 PEM (unencrypted; the Django side encrypts or protects storage)."""
    if algorithm_of(private_key) == "SM2":
        return sm2.private_key_to_pem(private_key)
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def private_key_from_pem(pem: str | bytes) -> PrivateKey:
    """Load a PKCS#8 PEM Ed25519 or SM2 private key; raises KeySetError otherwise."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        # cryptography knows no SM2 curve: such a key is read by methods.sm2.
        try:
            return sm2.private_key_from_pem(data)
        except sm2.Sm2Error as exc:
            raise KeySetError(str(exc)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeySetError("PEM private key is neither an Ed25519 nor an SM2 key")
    return key


@dataclass(frozen=True)
class SigningKey:
    """A private key with its publication metadata."""

    issuer: str
    private_key: PrivateKey
    valid_from: date
    status: KeyStatus = "active"
    revoked_at: date | None = None

    @property
    def algorithm(self) -> str:
        return algorithm_of(self.private_key)

    @property
    def public(self) -> PublicKey:
        raw = raw_public_key(self.private_key)
        return PublicKey(
            self.issuer, raw, self.status, self.valid_from, self.revoked_at, self.algorithm
        )

    @property
    def kid(self) -> str:
        return key_id(raw_public_key(self.private_key))

    def to_pem(self) -> str:
        return private_key_to_pem(self.private_key)

    def retired(self) -> SigningKey:
        return replace(self, status="retired", revoked_at=None)

    def revoked(self, on: date) -> SigningKey:
        return replace(self, status="revoked", revoked_at=on)


def _today() -> date:
    return datetime.now(UTC).date()


def generate_key(
    issuer: str, valid_from: date | None = None, algorithm: str = DEFAULT_ALGORITHM
) -> SigningKey:
    """Generate a new active key for ``issuer`` (region code or "platform")."""
    if algorithm not in ALGORITHMS:
        raise KeySetError(f"algorithm {algorithm!r} must be one of {', '.join(ALGORITHMS)}")
    private_key = sm2.generate_private_key() if algorithm == "SM2" else Ed25519PrivateKey.generate()
    key = SigningKey(issuer, private_key, valid_from or _today())
    key.public  # noqa: B018 - validates the issuer
    return key


class KeyRing:
    """Private keys of one or more issuers; picks the signing key (rotation)."""

    def __init__(self, keys: Iterable[SigningKey] = ()) -> None:
        self._keys: dict[str, SigningKey] = {key.kid: key for key in keys}

    def add(self, key: SigningKey) -> None:
        self._keys[key.kid] = key

    def retire(self, kid: str) -> None:
        self._keys[kid] = self._keys[kid].retired()

    def revoke(self, kid: str, on: date) -> None:
        self._keys[kid] = self._keys[kid].revoked(on)

    def signing_key(self, issuer: str, at: date | None = None) -> SigningKey:
        """Newest active key of ``issuer`` already valid at ``at`` (default today)."""
        day = at or _today()
        candidates = [
            k
            for k in self._keys.values()
            if k.issuer == issuer and k.status == "active" and k.valid_from <= day
        ]
        if not candidates:
            raise LookupError(f"no active signing key for issuer {issuer!r} on {day}")
        return max(candidates, key=lambda k: (k.valid_from, k.kid))

    def sign(self, issuer: str, fields: Mapping[str, FieldValue], at: date | None = None) -> str:
        key = self.signing_key(issuer, at)
        return sign_payload(fields, key.private_key, key.kid)

    def public_key_set(self) -> PublicKeySet:
        return PublicKeySet(key.public for key in self._keys.values())


# ------------------------------------------------------------ sign / verify


@dataclass(frozen=True)
class VerifiedPayload:
    """The fields of a token whose signature verified, and the key that signed it."""

    fields: dict[str, FieldValue]
    kid: str
    issuer: str
    key_status: KeyStatus


def sign_payload(fields: Mapping[str, FieldValue], private_key: PrivateKey, kid: str) -> str:
    """Return ``<tag>.<kid>.<payload>.<signature>`` (see the module docstring)."""
    algorithm = algorithm_of(private_key)
    expected = _kid_of(private_key)
    if kid != expected:
        raise ValueError(f"kid {kid!r} does not belong to this private key ({expected})")
    signed = f"{TOKEN_TAGS[algorithm]}.{kid}.{_b64encode(canonical_json(fields))}".encode("ascii")
    sign = partial(sm2.sign, private_key) if algorithm == "SM2" else private_key.sign
    signature = sign(signed)
    return f"{signed.decode('ascii')}.{_b64encode(signature)}"


# The kid of each SM2 key object already seen: serialising its public point on every
# signature was ~8 % of an SM2 signature's time in a bulk import (issue 17).  Weak keys: a key
# object leaves with its last user; Ed25519 keys (no weak references) are cheap to recompute.
_KIDS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _kid_of(private_key: PrivateKey) -> str:
    with contextlib.suppress(KeyError, TypeError):
        return _KIDS[private_key]
    kid = key_id(raw_public_key(private_key))
    with contextlib.suppress(TypeError):
        _KIDS[private_key] = kid
    return kid


def _split(token: object) -> tuple[str, str, str, str]:
    if not isinstance(token, str):
        raise SignatureInvalid("token is not text")
    if len(token) > MAX_TOKEN_LENGTH:
        raise SignatureInvalid(f"token longer than {MAX_TOKEN_LENGTH} characters")
    parts = token.split(".")
    if len(parts) != 4:
        raise SignatureInvalid(f"token has {len(parts)} parts, expected 4")
    prefix, kid, payload, signature = parts
    if prefix not in _ALGORITHM_OF_TAG:
        expected = " or ".join(repr(tag) for tag in _ALGORITHM_OF_TAG)
        raise SignatureInvalid(f"unknown token format {prefix[:8]!r}, expected {expected}")
    if not _KID.fullmatch(kid):
        raise SignatureInvalid("key id is not 16 lower-case hex characters")
    return prefix, kid, payload, signature


def _lookup(kid: str, keyset: PublicKeySet) -> PublicKey:
    key = keyset.get(kid)
    if key is None:
        raise SignatureInvalid(f"unknown key {kid}", "unknown_key")
    if key.status == "revoked":
        raise SignatureInvalid(f"key {kid} was revoked on {key.revoked_at}", "revoked_key")
    return key


def _decode_fields(payload: bytes) -> dict[str, FieldValue]:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            raise ValueError("duplicate field")
        return result

    try:
        fields = json.loads(payload.decode("utf-8"), object_pairs_hook=no_duplicates)
        if not isinstance(fields, dict) or canonical_json(fields) != payload:
            raise ValueError("not canonical")
    except (ValueError, TypeError, RecursionError) as exc:
        raise SignatureInvalid("payload is not canonical JSON of text/integer fields") from exc
    return fields


def verify_payload(token: str, keyset: PublicKeySet) -> VerifiedPayload:
    """Verify ``token`` against ``keyset``; raise only SignatureInvalid on failure.

    Active and retired keys verify; revoked keys are refused whatever the
    token's age, since a compromised key could back-date anything.
    """
    prefix, kid, payload_b64, signature_b64 = _split(token)
    algorithm = _ALGORITHM_OF_TAG[prefix]
    payload = _b64decode(payload_b64, "payload")
    signature = _b64decode(signature_b64, "signature")
    if algorithm == "Ed25519" and len(signature) != 64:
        raise SignatureInvalid(f"signature is {len(signature)} bytes, expected 64")
    if algorithm == "SM2" and sm2.canonical_signature(signature) is None:
        raise SignatureInvalid("SM2 signature is not one canonical DER SEQUENCE {r, s}")
    key = _lookup(kid, keyset)
    if key.algorithm != algorithm:
        raise SignatureInvalid(f"token is {algorithm} but key {kid} is {key.algorithm}", "mismatch")
    signed = f"{prefix}.{kid}.{payload_b64}".encode("ascii")
    if not _signature_matches(key, signed, signature):
        raise SignatureInvalid(f"signature does not match key {kid}", "mismatch")
    return VerifiedPayload(_decode_fields(payload), kid, key.issuer, key.status)


def _signature_matches(key: PublicKey, signed: bytes, signature: bytes) -> bool:
    if key.algorithm == "SM2":
        return sm2.verify(key.public_key, signed, signature)
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(signature, signed)
    except (InvalidSignature, ValueError):
        return False
    return True


# --------------------------------------------------------------- scope digest


def scope_digest(rows: Iterable[Sequence[str]]) -> str:
    """SHA-256 hex of the canonical serialisation of a certificate's scope rows.

    Each row's fields are joined with U+001F (unit separator); the row strings
    are sorted by code point and joined with U+001E (record separator); the
    result is UTF-8 encoded.  No Unicode normalisation is applied.  Fields must
    not contain U+001E or U+001F (ValueError), so the serialisation is unambiguous.
    """
    joined: list[str] = []
    for row in rows:
        for value in row:
            if not isinstance(value, str):
                raise TypeError(f"scope field {value!r} is not a string")
            if "\x1e" in value or "\x1f" in value:
                raise ValueError(f"scope field {value!r} contains a separator (U+001E/U+001F)")
        joined.append("\x1f".join(row))
    return hashlib.sha256("\x1e".join(sorted(joined)).encode("utf-8")).hexdigest()
