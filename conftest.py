"""Project-wide pytest fixtures."""

from __future__ import annotations

import importlib
from typing import Any

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
    # Jobs run in the test's own process and thread (Huey's immediate mode, in-memory storage);
    # the tests that start a real consumer process configure their own queue.
    settings.HUEY.immediate = True
    # No rate limits in tests (the whole suite calls the API from one address within a minute);
    # the rate-limit tests set their own small limits.
    settings.TICCOOP_API_RATE_ANON = settings.TICCOOP_API_RATE_CLIENT = 10**9


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Let test teardown empty the audit tables of the *test* database on PostgreSQL.

    The audit log and the chain refuse UPDATE, DELETE and TRUNCATE (audit migration 0002).
    TransactionTestCase and the live-server browser tests end with a flush, which TRUNCATEs
    every table; only here, on the throw-away test database, the TRUNCATE trigger is
    disabled (the row trigger stays on, and audit/tests switch this one back on to test it).
    """
    from django.db import connections

    from ticcoop.audit.triggers import TRUNCATE_TRIGGER, set_triggers

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor == "postgresql":
                set_triggers(connection, TRUNCATE_TRIGGER, enabled=False)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests (anywhere in the suite) flush every table between tests; put back what
    migrations load.

    Not serialized_rollback: restoring auth rows fires the audit log, which recreates content
    types before they are restored (UNIQUE constraint failures). Flushing re-runs post_migrate,
    which brings back content types, permissions and the role groups; the regions come back here.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    from django.apps import apps

    from ticcoop.accounts.roles import grant_role_permissions

    regions = importlib.import_module("ticcoop.regions.migrations.0002_five_regions")
    regions.load_regions(apps, None)
    grant_role_permissions()
