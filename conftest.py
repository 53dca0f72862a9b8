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
    # A request with the English cookie leaves English active in this thread; messages built
    # by services called directly in the next test must come out in the default language.
    translation.activate(settings.LANGUAGE_CODE)
    # Jobs run in the test's own process and thread (Huey's immediate mode, in-memory storage);
    # the tests that start a real consumer process configure their own queue.
    settings.HUEY.immediate = True
    # No rate limits in tests (the whole suite calls the API from one address within a minute);
    # the rate-limit tests set their own small limits.
    settings.TICCOOP_API_RATE_ANON = settings.TICCOOP_API_RATE_CLIENT = 10**9
