# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
import json
from typing import Any

from django.http import HttpRequest
from ninja import Router

from ticcoop.trust.queries import SignatureInvalid, public_keyset, verify_token
from ticcoop.trust.schemas import KeySetOut, KeyVerifyOut

router = Router(tags=["trust"])


@router.get("/keys", response=KeySetOut)
def keys(request: HttpRequest) -> Any:
    """The published key set (same document as /.well-known/ticcoop-keys.json)."""
    return json.loads(public_keyset().to_json())


@router.get("/verify", response=KeyVerifyOut)
def verify(request: HttpRequest, token: str) -> Any:
    """Check a signed token's signature (any issuer); never an error status for bad tokens."""
    try:
        verified = verify_token(token)
    except SignatureInvalid as exc:
        return {"valid": False, "detail": str(exc)}
    return {
        "valid": True,
        "detail": "valid",
        "kid": verified.kid,
        "issuer": verified.issuer,
        "key_status": verified.key_status,
        "fields": verified.fields,
    }
