"""Compact Ed25519-signed payloads for certificate QR codes, with key rotation.

Pure Python (``cryptography`` only), no Django imports.  See docs/methods/signing.md.

Token layout (all ASCII, fits QR byte mode)::

    TC1.<kid>.<payload>.<signature>

* ``TC1`` — format and version tag;
* ``kid`` — key id: first 16 lower-case hex characters of SHA-256 of the raw
  32-byte Ed25519 public key (RFC 8032);
* ``payload`` — base64url without padding (RFC 4648 §5) of the canonical JSON
  of the fields: keys sorted, separators ``(",", ":")``, ``ensure_ascii=False``,
  UTF-8; values are strings or integers;
* ``signature`` — base64url without padding of the 64-byte Ed25519 signature
  of the ASCII bytes ``TC1.<kid>.<payload>`` (everything before the last dot).

Putting the kid before the payload (instead of at the end) lets the signature
cover the version tag and the kid as one contiguous prefix, as in JWS compact
serialisation (RFC 7515), so verifiers need no re-assembly.  Verification
rejects any non-canonical base64url or JSON, so every token has exactly one
valid spelling.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

__all__ = [
    "ALGORITHM",
    "TOKEN_PREFIX",
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

TOKEN_PREFIX = "TC1"  # noqa: S105 - format tag, not a secret
ALGORITHM = "Ed25519"
MAX_TOKEN_LENGTH = 4096  # a version-40 QR code holds at most 2953 bytes
KEYSET_FORMAT = 1

KeyStatus = Literal["active", "retired", "revoked"]
_STATUSES: tuple[KeyStatus, ...] = ("active", "retired", "revoked")
FieldValue = str | int

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
    """First 16 hex characters of SHA-256 of the raw 32-byte public key."""
    raw = public_key if isinstance(public_key, bytes) else _raw_public(public_key)
    return hashlib.sha256(raw).hexdigest()[:16]


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# ---------------------------------------------------------------- public keys


@dataclass(frozen=True)
class PublicKey:
    """One published verification key of an issuer (region code or "platform")."""

    issuer: str
    public_key: bytes  # raw 32 bytes
    status: KeyStatus
    valid_from: date
    revoked_at: date | None = None

    def __post_init__(self) -> None:
        if not _ISSUER.fullmatch(self.issuer):
            raise KeySetError(f"issuer {self.issuer!r} must be a 2-digit region code or 'platform'")
        if len(self.public_key) != 32:
            raise KeySetError(f"public key must be 32 bytes, not {len(self.public_key)}")
        if self.status not in _STATUSES:
            raise KeySetError(f"status {self.status!r} must be one of {', '.join(_STATUSES)}")
        if (self.status == "revoked") != (self.revoked_at is not None):
            raise KeySetError("revoked_at must be set exactly when status is 'revoked'")

    @property
    def kid(self) -> str:
        return key_id(self.public_key)

    def to_dict(self) -> dict[str, str | None]:
        return {
            "kid": self.kid,
            "issuer": self.issuer,
            "algorithm": ALGORITHM,
            "public_key": _b64encode(self.public_key),
            "status": self.status,
            "valid_from": self.valid_from.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PublicKey:
        """Parse one entry of the published key set; raises KeySetError."""
        try:
            if data["algorithm"] != ALGORITHM:
                raise KeySetError(f"algorithm {data['algorithm']!r} is not {ALGORITHM}")
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
            )
            Ed25519PublicKey.from_public_bytes(raw)
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


def private_key_to_pem(private_key: Ed25519PrivateKey) -> str:
    """PKCS#8 PEM (unencrypted; the Django side encrypts or protects storage)."""
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def private_key_from_pem(pem: str | bytes) -> Ed25519PrivateKey:
    """Load a PKCS#8 PEM Ed25519 private key; raises KeySetError otherwise."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise KeySetError(f"not a PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeySetError("PEM private key is not an Ed25519 key")
    return key


@dataclass(frozen=True)
class SigningKey:
    """A private key with its publication metadata."""

    issuer: str
    private_key: Ed25519PrivateKey
    valid_from: date
    status: KeyStatus = "active"
    revoked_at: date | None = None

    @property
    def public(self) -> PublicKey:
        raw = _raw_public(self.private_key.public_key())
        return PublicKey(self.issuer, raw, self.status, self.valid_from, self.revoked_at)

    @property
    def kid(self) -> str:
        return key_id(self.private_key.public_key())

    def to_pem(self) -> str:
        return private_key_to_pem(self.private_key)

    def retired(self) -> SigningKey:
        return replace(self, status="retired", revoked_at=None)

    def revoked(self, on: date) -> SigningKey:
        return replace(self, status="revoked", revoked_at=on)


def _today() -> date:
    return datetime.now(UTC).date()


def generate_key(issuer: str, valid_from: date | None = None) -> SigningKey:
    """Generate a new active Ed25519 key for ``issuer`` (region code or "platform")."""
    key = SigningKey(issuer, Ed25519PrivateKey.generate(), valid_from or _today())
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


def sign_payload(fields: Mapping[str, FieldValue], private_key: Ed25519PrivateKey, kid: str) -> str:
    """Return ``TC1.<kid>.<payload>.<signature>`` (see the module docstring)."""
    expected = key_id(private_key.public_key())
    if kid != expected:
        raise ValueError(f"kid {kid!r} does not belong to this private key ({expected})")
    signed = f"{TOKEN_PREFIX}.{kid}.{_b64encode(canonical_json(fields))}"
    signature = private_key.sign(signed.encode("ascii"))
    return f"{signed}.{_b64encode(signature)}"


def _split(token: object) -> tuple[str, str, str, str]:
    if not isinstance(token, str):
        raise SignatureInvalid("token is not text")
    if len(token) > MAX_TOKEN_LENGTH:
        raise SignatureInvalid(f"token longer than {MAX_TOKEN_LENGTH} characters")
    parts = token.split(".")
    if len(parts) != 4:
        raise SignatureInvalid(f"token has {len(parts)} parts, expected 4")
    prefix, kid, payload, signature = parts
    if prefix != TOKEN_PREFIX:
        raise SignatureInvalid(f"unknown token format {prefix[:8]!r}, expected {TOKEN_PREFIX!r}")
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
    payload = _b64decode(payload_b64, "payload")
    signature = _b64decode(signature_b64, "signature")
    if len(signature) != 64:
        raise SignatureInvalid(f"signature is {len(signature)} bytes, expected 64")
    key = _lookup(kid, keyset)
    signed = f"{prefix}.{kid}.{payload_b64}".encode("ascii")
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(signature, signed)
    except (InvalidSignature, ValueError) as exc:
        raise SignatureInvalid(f"signature does not match key {kid}", "mismatch") from exc
    return VerifiedPayload(_decode_fields(payload), kid, key.issuer, key.status)


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
