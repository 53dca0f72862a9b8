"""The check every evidence download passes, shared by the tests of the apps that store files."""

from __future__ import annotations

import base64
import hashlib

from django.test import Client

from ticcoop.methods import digests


def assert_downloads(client: Client, url: str, content: bytes) -> None:
    """``url`` gives exactly ``content`` as an attachment, with its recorded digest:
    ``X-Ticcoop-Digest`` (SHA-256 hex or ``sm3:<hex>``) and, for SHA-256, ``Repr-Digest``."""
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    recorded = response["X-Ticcoop-Digest"]
    assert digests.matches(recorded, content)
    if digests.algorithm_of(recorded) == "sha256":
        digest = base64.b64decode(response["Repr-Digest"].split(":")[1])
        assert digest == hashlib.sha256(content).digest()
    else:
        assert "Repr-Digest" not in response  # RFC 9530 has no SM3
