"""Project-wide pytest fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _django_test_defaults(request: pytest.FixtureRequest) -> None:
    # Pure methods/ tests may run with `-p no:django`; there is nothing to configure then.
    if not request.config.pluginmanager.hasplugin("django"):
        return
    from django.utils import translation

    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Regulators, observers and staff need a second factor; force_login gives it to them
    # (ticcoop.testing.otp.force_login; pass verified=False for the bare login).
    from django.test.client import ClientMixin

    from ticcoop.testing.otp import force_login

    request.getfixturevalue("monkeypatch").setattr(ClientMixin, "force_login", force_login)
    # A request with the English cookie leaves English active in this thread; messages built
    # by services called directly in the next test must come out in the default language.
    translation.activate(settings.LANGUAGE_CODE)
