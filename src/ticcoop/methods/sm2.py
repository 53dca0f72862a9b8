"""SM2 signatures and SM3 digests, the national algorithms (国密), for ticcoop's signed records.

Pure Python over ``tongsuopy`` (the Tongsuo/OpenSSL-derived library's Python SDK; see the
README for why this binding), no Django imports.  See docs/methods/signing.md.

* SM3: GM/T 0004-2012 = GB/T 32905-2016, 256-bit digest.
* SM2 signature: GM/T 0003.2-2012 = GB/T 32918.2-2016 on the recommended curve
  ``sm2p256v1`` (GM/T 0003.5-2012 = GB/T 32918.5-2017).  The signed hash is
  ``e = SM3(Z_A || M)`` with ``Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A)``
  (GM/T 0003.2 §5.5) and the default user id ``ID_A = "1234567812345678"`` of GM/T 0009-2012,
  which is also OpenSSL's default ``distid``.
* Encodings: public key as the 65-byte uncompressed point ``04 || x || y`` (SEC 1 §2.3.3) or
  SubjectPublicKeyInfo (RFC 5480 with the SM2 curve OID 1.2.156.10197.1.301); private key as
  PKCS#8 PEM; signature as DER ``SEQUENCE { r INTEGER, s INTEGER }`` (GM/T 0009 §7.3), the form
  ``openssl pkeyutl -verify`` reads.
"""

from __future__ import annotations

import functools
from typing import Any

from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature, UnsupportedAlgorithm

__all__ = [
    "DEFAULT_USER_ID",
    "PUBLIC_KEY_LENGTH",
    "Sm2Error",
    "canonical_signature",
    "generate_private_key",
    "is_private_key",
    "private_key_from_pem",
    "private_key_to_pem",
    "public_key_pem",
    "public_point",
    "sign",
    "sm3",
    "sm3_hasher",
    "verify",
    "z_value",
]

DEFAULT_USER_ID = b"1234567812345678"  # GM/T 0009-2012 §10; OpenSSL's default distid
PUBLIC_KEY_LENGTH = 65  # 04 || x || y

# GM/T 0003.5-2012 recommended curve sm2p256v1 (y^2 = x^3 + ax + b over F_p, order n).
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0


class Sm2Error(ValueError):
    """A key or signature is not valid SM2 material."""


def sm3_hasher() -> hashes.Hash:
    """An incremental SM3 hasher (``update(bytes)``, ``finalize() -> bytes``)."""
    return hashes.Hash(hashes.SM3())


def sm3(data: bytes) -> bytes:
    """SM3 digest (32 bytes) of ``data``; ``openssl dgst -sm3`` gives the same."""
    hasher = sm3_hasher()
    hasher.update(data)
    return hasher.finalize()


@functools.lru_cache(maxsize=256)
def z_value(public_key: bytes, user_id: bytes = DEFAULT_USER_ID) -> bytes:
    """Z_A of GM/T 0003.2 §5.5 for an uncompressed public point and a user id.

    ``ENTL_A`` is the bit length of the id as two big-endian bytes, so the id is at most
    8191 bytes.  Published so that outsiders can recompute ``e = SM3(Z_A || M)``.
    """
    point = _checked_point(public_key)
    if len(user_id) * 8 > 0xFFFF:
        raise Sm2Error("user id longer than 8191 bytes")
    parts = [(len(user_id) * 8).to_bytes(2, "big"), user_id]
    parts += [value.to_bytes(32, "big") for value in (A, B, GX, GY)]
    parts.append(point[1:])
    return sm3(b"".join(parts))


def _checked_point(public_key: bytes) -> bytes:
    if len(public_key) != PUBLIC_KEY_LENGTH or public_key[0] != 4:
        raise Sm2Error(f"SM2 public key must be 65 bytes 04||x||y, not {len(public_key)} bytes")
    x = int.from_bytes(public_key[1:33], "big")
    y = int.from_bytes(public_key[33:], "big")
    if not (x < P and y < P and (y * y - (x * x * x + A * x + B)) % P == 0):
        raise Sm2Error("SM2 public key is not a point on the curve sm2p256v1")
    return public_key


# Keyed by the key's bytes (the result depends on nothing else), so a key never goes stale
# here: a revoked or replaced key is a different status or different bytes, read each time by
# the caller.  Saves re-parsing the same few published keys on every verification (issue 17).
@functools.lru_cache(maxsize=256)
def _public_key_object(public_key: bytes) -> Any:
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), _checked_point(public_key))


# ---------------------------------------------------------------- private keys


def generate_private_key() -> Any:
    """A new random SM2 private key (the library's key object)."""
    return ec.generate_private_key(ec.SM2())


def is_private_key(key: object) -> bool:
    return isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SM2)


def public_point(private_key: Any) -> bytes:
    """The 65-byte uncompressed public point of a private key."""
    return private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def private_key_to_pem(private_key: Any) -> str:
    """PKCS#8 PEM, unencrypted, as ``openssl genpkey -algorithm SM2`` writes it."""
    pem: bytes = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem.decode("ascii")


def private_key_from_pem(pem: bytes) -> Any:
    """Load a PKCS#8 PEM SM2 private key; Sm2Error if it is anything else."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise Sm2Error(f"not a PEM private key: {exc}") from exc
    if not is_private_key(key):
        raise Sm2Error("PEM private key is not an SM2 key")
    return key


@functools.lru_cache(maxsize=256)
def public_key_pem(public_key: bytes) -> str:
    """SubjectPublicKeyInfo PEM of a public point (what ``openssl pkeyutl -pubin`` reads)."""
    pem: bytes = _public_key_object(public_key).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode("ascii")


# ---------------------------------------------------------------- sign / verify


def sign(private_key: Any, message: bytes) -> bytes:
    """DER signature of ``message`` (SM3 with Z_A of the default user id)."""
    signature: bytes = private_key.sign(message, ec.ECDSA(hashes.SM3()))
    return signature


def canonical_signature(signature: bytes) -> tuple[int, int] | None:
    """(r, s) if ``signature`` is the one DER spelling of values in [1, n-1], else None."""
    try:
        r, s = decode_dss_signature(signature)
    except ValueError:
        return None
    if not (0 < r < N and 0 < s < N) or encode_dss_signature(r, s) != signature:
        return None
    return r, s


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True if ``signature`` (canonical DER) is an SM2 signature of ``message`` by the key."""
    if canonical_signature(signature) is None:
        return False
    try:
        _public_key_object(public_key).verify(signature, message, ec.ECDSA(hashes.SM3()))
    except (InvalidSignature, Sm2Error, ValueError):
        return False
    return True
