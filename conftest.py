"""Project-wide pytest fixtures."""

from __future__ import annotations

import importlib
import os
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
    """Let test teardown empty the audit tables of the *test* database on PostgreSQL, fast.

    The audit log and the chain refuse UPDATE, DELETE and TRUNCATE (audit migration 0002).
    TransactionTestCase and the live-server browser tests end with a flush; only here, on the
    throw-away test database, the TRUNCATE trigger is disabled (the row trigger stays on, and
    audit/tests switch this one back on to test it). The flush itself is ``_flush_sql``.
    """
    from django.db import connections
    from django.db.backends.postgresql.operations import DatabaseOperations

    from ticcoop.audit.triggers import TRUNCATE_TRIGGER, set_triggers

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor == "postgresql":
                set_triggers(connection, TRUNCATE_TRIGGER, enabled=False)
    DatabaseOperations.sql_flush = _flush_sql(DatabaseOperations.sql_flush)  # type: ignore[method-assign]


def _flush_sql(truncate: Any) -> Any:
    """A test flush on PostgreSQL that DELETEs instead of TRUNCATing, but for the append-only
    audit tables (their row trigger refuses DELETE). TRUNCATE of every table (~250) took
    3.5 s per transactional test, DELETE of the few tables a test filled takes milliseconds;
    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so the order does not matter
    inside the flush's transaction."""
    from ticcoop.audit.triggers import APPEND_ONLY_TABLES

    def sql_flush(
        self: Any, style: Any, tables: list[str], *, reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:  # fmt: skip
        if reset_sequences or allow_cascade:
            return truncate(  # type: ignore[no-any-return]
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        append_only = [table for table in tables if table in APPEND_ONLY_TABLES]
        return [
            *truncate(self, style, append_only),
            # table names from the models, quoted: no user input
            *(f"DELETE FROM {self.quote_name(t)}" for t in tables if t not in APPEND_ONLY_TABLES),  # noqa: S608
        ]

    return sql_flush


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests (anywhere in the suite) flush every table between tests; put back what
    migrations load.

    Not serialized_rollback: restoring auth rows fires the audit log, which recreates content
    types before they are restored (UNIQUE constraint failures). Flushing re-runs post_migrate,
    which brings back content types, permissions and the role groups (accounts.roles, connected
    to post_migrate); the regions come back here.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    from django.apps import apps

    regions = importlib.import_module("ticcoop.regions.migrations.0002_five_regions")
    regions.load_regions(apps, None)


# Fixtures that reach the test database (pytest-django's and the browser tests' live server);
# not django_db_setup or django_db_blocker: pytest-django's autouse fixtures pull them into
# every test.
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``TICCOOP_TESTS_DATABASE_ONLY=1`` (the PostgreSQL run of ``.ci/run``) keeps the tests that
    touch the test database and deselects the rest: the published methods, settings and CLI
    start-up, and the job-consumer sites (SQLite files of their own) do not depend on
    DATABASE_URL, so a second run would repeat the SQLite run exactly."""
    if os.environ.get("TICCOOP_TESTS_DATABASE_ONLY") != "1":
        return
    kept, dropped = [], []
    for item in items:
        uses_database = item.get_closest_marker("django_db") is not None or bool(
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        (kept if uses_database else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
