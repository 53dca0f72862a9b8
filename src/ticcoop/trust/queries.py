"""Reads on signing keys: the published key set and token verification."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.compiled import CompiledQuery
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


def _public_key(
    issuer: str,
    algorithm: str,
    public_key: str,
    status: str,
    valid_from: date,
    revoked_at: datetime | None,
) -> signing.PublicKey:
    revoked = status == KeyStatus.REVOKED
    return signing.PublicKey(
        issuer=issuer,
        public_key=_raw(public_key),
        status=status,  # type: ignore[arg-type]
        valid_from=valid_from,
        revoked_at=timezone.localdate(revoked_at) if revoked and revoked_at else None,
        algorithm=algorithm,
    )


#: Read on every verification and by the published key set: compiled once (compiled.py).
_KEYS = CompiledQuery(
    SigningKeyRecord,
    lambda: SigningKeyRecord.objects.values_list(
        "issuer", "algorithm", "public_key", "status", "valid_from", "revoked_at"
    ),
)


def public_keyset() -> PublicKeySet:
    """Every issuer's keys, active, retired and revoked (as /.well-known/ticcoop-keys.json)."""
    return PublicKeySet(_public_key(*row) for row in _KEYS.rows())


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
