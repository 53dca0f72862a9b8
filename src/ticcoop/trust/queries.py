"""Reads on signing keys: the published key set and token verification."""

from __future__ import annotations

import base64
from collections.abc import Mapping

from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.methods import signing
from ticcoop.methods.signing import PublicKeySet, SignatureInvalid, VerifiedPayload
from ticcoop.trust.models import KeyStatus, SigningKeyRecord

__all__ = [
    "SignatureInvalid",
    "public_keyset",
    "sign_fields",
    "signature_problem",
    "verify_token",
]


def _raw(public_key_b64: str) -> bytes:
    return base64.urlsafe_b64decode(public_key_b64 + "=" * (-len(public_key_b64) % 4))


def public_key_of(record: SigningKeyRecord) -> signing.PublicKey:
    revoked = record.status == KeyStatus.REVOKED
    revoked_on = timezone.localdate(record.revoked_at) if revoked and record.revoked_at else None
    return signing.PublicKey(
        issuer=record.issuer,
        public_key=_raw(record.public_key),
        status=record.status,  # type: ignore[arg-type]
        valid_from=record.valid_from,
        revoked_at=revoked_on,
        algorithm=record.algorithm,
    )


def public_keyset() -> PublicKeySet:
    """Every issuer's keys, active, retired and revoked (as /.well-known/ticcoop-keys.json)."""
    fields = ("issuer", "algorithm", "public_key", "status", "valid_from", "revoked_at")
    return PublicKeySet(public_key_of(record) for record in SigningKeyRecord.objects.only(*fields))


def verify_token(token: str) -> VerifiedPayload:
    """Verify against the published keys; raises only SignatureInvalid ("not valid: …")."""
    return signing.verify_payload(token, public_keyset())


def signature_problem(exc: SignatureInvalid) -> str:
    """The reason a token failed, as a sentence for pages (the method gives a code)."""
    reasons = {
        "unknown_key": _("签名所用的密钥不是平台公布的密钥。"),
        "revoked_key": _("签名所用的密钥已被撤销，该密钥签发的内容一律不再可信。"),
        "mismatch": _("签名与公布的密钥不符：内容在签发后被改动过，或是伪造的。"),
    }
    return reasons.get(exc.code, _("这不是一个完整、格式正确的签名令牌。"))


def sign_fields(issuer: str, fields: Mapping[str, str | int]) -> str:
    """Alias of :func:`ticcoop.trust.services.sign_fields` (which may create the first key)."""
    from ticcoop.trust import services

    return services.sign_fields(issuer, fields)
