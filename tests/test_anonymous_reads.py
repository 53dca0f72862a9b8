"""Which requests skip the audit log's per-request set-up (ticcoop.config.anonymous)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import RequestFactory

from ticcoop.config.anonymous import is_anonymous_read


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/certificates/",
        "/api/certificates",
        "/api/certificates/verify",
        "/verify/11230012/",
        "/.well-known/ticcoop-keys.json",
    ],
)
def test_anonymous_gets_of_public_reads_skip_it(path: str) -> None:
    factory = RequestFactory()
    assert is_anonymous_read(factory.get(path))
    assert is_anonymous_read(factory.head(path))
    assert not is_anonymous_read(factory.post(path))
    signed_in = factory.get(path)
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "x"
    assert not is_anonymous_read(signed_in)


@pytest.mark.parametrize("path", ["/login/", "/admin/", "/jobs/1/", "/account/two-factor/setup/"])
def test_other_paths_keep_it(path: str) -> None:
    assert not is_anonymous_read(RequestFactory().get(path))
