"""PostgreSQL dropping connections (restart, failover, idle timeout) must not cost a request."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def wsgi_get(path: str) -> int:
    """One request through the real WSGI handler, as gunicorn makes it: request_started and
    request_finished run their connection housekeeping (the test Client switches it off)."""
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        statuses.append(status)

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    response = WSGIHandler()(environ, start_response)
    for _chunk in response:
        pass
    response.close()  # type: ignore[attr-defined]
    return int(statuses[0].split()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_the_first_request_after_the_database_dropped_the_connection_succeeds() -> None:
    import psycopg

    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert wsgi_get("/api/regions") == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert wsgi_get("/api/regions") == 200
    assert wsgi_get("/healthz") == 200


def test_healthz_reports_the_database() -> None:
    assert wsgi_get("/healthz") == 200
