"""Issues 11 and 15: the whole API under Schemathesis — anonymous, as each role, and with the
bearer token of each API client scope, bounded.

Every operation of the OpenAPI document gets ``EXAMPLES`` generated requests (fixed seed:
``derandomize``), sent through the WSGI application in-process (werkzeug), with a session
cookie and a CSRF token pair for the signed-in roles, and with ``Authorization: Bearer …`` (no
cookie, no CSRF) for the API clients (every caller for an operation's first case, two in
turn for the later ones: ``_callers``).  Two checks: no 5xx, and every documented response
matches its schema.  The users, sessions and clients are made once per module (one
transaction, rolled back at the end; each test runs in a savepoint inside it).
``TICCOOP_SCHEMATHESIS_EXAMPLES`` raises the count (the 10-minute run in the report:
``TICCOOP_SCHEMATHESIS_EXAMPLES=100000`` under ``timeout 600``, with
``TICCOOP_SCHEMATHESIS_LOG=FILE`` counting the requests).
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
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, settings

from ticcoop.accounts.roles import Role
from ticcoop.accounts.services import create_user
from ticcoop.apiclients.models import Scope
from ticcoop.apiclients.services import create_client
from ticcoop.config.wsgi import application
from ticcoop.testing import factories
from ticcoop.testing.otp import force_login

EXAMPLES = int(os.environ.get("TICCOOP_SCHEMATHESIS_EXAMPLES", "1"))
LOG = os.environ.get("TICCOOP_SCHEMATHESIS_LOG", "")  # a file: one line per request
CSRF = "s" * 32  # any 32 alphanumerics: Django compares the header with the cookie
ROLES = ["anonymous", *[role.value for role in Role], "admin"]
SCOPES = [scope.value for scope in Scope]  # one API client (and bearer token) per scope
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


@pytest.fixture(scope="module")
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


Principal = tuple[str, dict[str, str], dict[str, str]]  # (who, cookies, headers)


def _principals() -> list[Principal]:
    found: list[Principal] = []
    for role in ROLES:
        user = _user(role)
        cookies = {"csrftoken": CSRF}
        if user is not None:
            client = Client()
            force_login(client, user)
            cookies["sessionid"] = client.cookies["sessionid"].value
        found.append((role, cookies, {"X-CSRFToken": CSRF}))
    region = factories.region("13")
    for scope in SCOPES:
        lab = factories.institution("13") if scope == Scope.INSTITUTION else None
        _client, token = create_client(
            None, name=f"st-{scope}", scope=scope, region=region, institution=lab
        )
        found.append((f"token {scope}", {}, {"Authorization": f"Bearer {token}"}))
    return found


@pytest.fixture(scope="module")
def principals(
    django_db_setup: None, django_db_blocker: Any, _keep_test_connection: None
) -> Iterator[list[Principal]]:
    """Anonymous, each role (a session) and each client scope (a token): one generated request
    is sent as each, so the examples are generated once per operation, not once per role.

    Made once for the module inside a transaction that is rolled back at the end (the pattern
    of Django's ``TestCase.setUpTestData``): nothing leaks into other tests."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            made = _principals()
        yield made
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


_TURNS: dict[str, int] = {}
LATER_CALLERS = 2


def _callers(case: Any, principals: list[Principal]) -> list[Principal]:
    """The first case of an operation goes to every caller (anonymous, each session role, each
    API-client token); the later ones (mostly the coverage phase's boundary and invalid inputs,
    some seventy for a POST with a body) go to ``LATER_CALLERS`` callers in turn, so each
    caller still meets a share of them: a third of the requests of sending every case to
    everyone, for the same kinds of input (the role and scope rules have tests of their own)."""
    turn = _TURNS.get(case.operation.label, 0)
    _TURNS[case.operation.label] = turn + 1
    if turn == 0:
        return principals
    start = (turn - 1) * LATER_CALLERS
    return [principals[(start + k) % len(principals)] for k in range(LATER_CALLERS)]


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
def test_api_conforms(case: Any, principals: list[Principal]) -> None:
    for role, cookies, headers in _callers(case, principals):
        response = case.call(cookies=cookies, headers=headers)
        if LOG:
            with open(LOG, "a", encoding="utf-8") as log:
                log.write(f"{case.method} {case.path} {role} {response.status_code}\n")
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:
            exc.add_note(f"as {role}")
            raise
