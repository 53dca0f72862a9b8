"""The check every evidence download passes, shared by the tests of the apps that store files."""

from __future__ import annotations

import base64
import hashlib

from django.test import Client


def assert_downloads(client: Client, url: str, content: bytes) -> None:
    """``url`` gives exactly ``content`` as an attachment, with its SHA-256 (RFC 9530)."""
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    digest = base64.b64decode(response["Repr-Digest"].split(":")[1])
    assert digest == hashlib.sha256(content).digest()
