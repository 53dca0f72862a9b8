"""Issue 11: the whole API under Schemathesis — anonymous and as each role, bounded.

Every operation of the OpenAPI document gets ``EXAMPLES`` generated requests (fixed seed:
``derandomize``), sent through the WSGI application in-process (werkzeug), with a session
cookie and a CSRF token pair for the signed-in roles.  Two checks: no 5xx, and every
documented response matches its schema.  ``TICCOOP_SCHEMATHESIS_EXAMPLES`` raises the count
(the 10-minute run in the report: ``TICCOOP_SCHEMATHESIS_EXAMPLES=100000`` under
``timeout 600``, with ``TICCOOP_SCHEMATHESIS_LOG=FILE`` counting the requests).
Runs on whichever database ``DATABASE_URL`` names (SQLite by default, PostgreSQL in CI).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings

from ticcoop.accounts.roles import Role
from ticcoop.accounts.services import create_user
from ticcoop.config.wsgi import application
from ticcoop.testing import factories

EXAMPLES = int(os.environ.get("TICCOOP_SCHEMATHESIS_EXAMPLES", "2"))
LOG = os.environ.get("TICCOOP_SCHEMATHESIS_LOG", "")  # a file: one line per request
CSRF = "s" * 32  # any 32 alphanumerics: Django compares the header with the cookie
ROLES = ["anonymous", *[role.value for role in Role], "admin"]
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


def _user(role: str) -> User | None:
    """A user of ``role`` without a usable password (no hashing: the session is forced)."""
    if role == "anonymous":
        return None
    if role == "admin":
        made = create_user(actor=None, username="st-admin", password=None, role=None)
        User.objects.filter(pk=made.pk).update(is_staff=True, is_superuser=True)
        return made
    region = None if role == Role.NATIONAL_OBSERVER else factories.region("13")
    return create_user(
        actor=None, username=f"st-{role}", password=None, role=Role(role), region=region
    )


@pytest.fixture
def _keep_test_connection() -> Iterator[None]:
    """Requests run through the WSGI handler, which closes a connection that is not in
    autocommit (the test's transaction) at request start and end; Django's test Client
    disconnects that handler in the same way (PostgreSQL would otherwise lose the test
    transaction; SQLite's in-memory database ignores the close)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def sessions(db: Any, _keep_test_connection: None) -> list[tuple[str, dict[str, str]]]:
    """(role, cookies) for anonymous and each role: one generated request is sent as each, so
    the examples are generated once per operation, not once per role."""
    found = []
    for role in ROLES:
        user = _user(role)
        cookies = {"csrftoken": CSRF}
        if user is not None:
            client = Client()
            client.force_login(user)
            cookies["sessionid"] = client.cookies["sessionid"].value
        found.append((role, cookies))
    return found


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms(case: Any, sessions: list[tuple[str, dict[str, str]]]) -> None:
    for role, cookies in sessions:
        response = case.call(cookies=cookies, headers={"X-CSRFToken": CSRF})
        if LOG:
            with open(LOG, "a", encoding="utf-8") as log:
                log.write(f"{case.method} {case.path} {role} {response.status_code}\n")
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:
            exc.add_note(f"as {role}")
            raise
