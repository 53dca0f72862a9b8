# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

from ninja import Schema


class PublicKeyOut(Schema):
    kid: str
    issuer: str
    algorithm: str
    public_key: str
    public_key_pem: str | None = None  # SM2 keys only (SubjectPublicKeyInfo, for OpenSSL)
    status: str
    valid_from: str
    revoked_at: str | None


class KeySetOut(Schema):
    format: int
    keys: list[PublicKeyOut]


class KeyVerifyOut(Schema):
    valid: bool
    detail: str
    kid: str | None = None
    issuer: str | None = None
    key_status: str | None = None
    fields: dict[str, str | int] | None = None
