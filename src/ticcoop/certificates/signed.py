"""The fields signed into a certificate version's token (QR code), and the verify URL.

Compact keys keep the QR code small (docs/methods/signing.md):

=========  ==========================================================
``no``     certificate number (12 digits)
``name``   institution name at that version
``ucc``    unified social credit code
``issued`` issue date (ISO 8601)
``expires`` expiry date of that version (ISO 8601)
``status`` stored status of that version (valid, suspended, …)
``v``      version number (integer)
``scope``  ``methods.signing.scope_digest`` of the scope rows (SHA-256 hex)
=========  ==========================================================
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.conf import settings


def payload_fields(
    *,
    number: str,
    institution_name: str,
    credit_code: str,
    issue_date: date,
    expiry_date: date,
    status: str,
    version: int,
    digest: str,
) -> dict[str, str | int]:
    return {
        "no": number,
        "name": institution_name,
        "ucc": credit_code,
        "issued": issue_date.isoformat(),
        "expires": expiry_date.isoformat(),
        "status": status,
        "v": version,
        "scope": digest,
    }


def public_base_url() -> str:
    """Base URL printed in QR codes (setting TICCOOP_PUBLIC_URL, default localhost)."""
    return str(getattr(settings, "TICCOOP_PUBLIC_URL", "http://127.0.0.1:8000")).rstrip("/")


def verify_url(number: str, token: str, base_url: str | None = None) -> str:
    base = (base_url or public_base_url()).rstrip("/")
    return f"{base}/verify/{number}/?t={quote(token, safe='')}"
