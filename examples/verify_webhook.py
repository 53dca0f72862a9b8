"""Verify a ticcoop webhook (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).

from verify_webhook import verify
verify(secret, request.headers, request.body)  # raises ValueError when it is not genuine
"""

import base64
import hashlib
import hmac
import time

TOLERANCE_SECONDS = 5 * 60  # refuse replays of old deliveries


def verify(secret: str, headers: dict, body: bytes, now: float | None = None) -> None:
    h = {k.lower(): v for k, v in headers.items()}
    msg_id, timestamp = h["webhook-id"], h["webhook-timestamp"]
    if abs((now or time.time()) - int(timestamp)) > TOLERANCE_SECONDS:
        raise ValueError("timestamp outside the tolerance")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for candidate in h["webhook-signature"].split():  # "v1,<sig> v1,<sig>" while keys rotate
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return
    raise ValueError("no valid signature")
