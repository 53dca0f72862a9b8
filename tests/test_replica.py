"""The replica router (ticcoop.config.replica): public reads to the ``replica`` alias, the rest
to the primary.  The alias is the test database itself (Django's TEST MIRROR), added here as
TICCOOP_REPLICA_URL would add it; which connection ran each query tells where it went."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from ticcoop.certificates.tests import factories as cf
from ticcoop.config import replica
from ticcoop.config.settings import MIDDLEWARE
from ticcoop.registry.models import Institution
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

ROUTED = [
    *MIDDLEWARE[: MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")],
    "ticcoop.config.replica.PublicReadMiddleware",
    *MIDDLEWARE[MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") :],
]


@pytest.fixture(autouse=True, scope="module")
def replica_alias() -> Iterator[None]:
    """``DATABASES["replica"]``: the default test database under a second connection."""
    connections.settings["replica"] = {
        **connections["default"].settings_dict,
        "TEST": {"MIRROR": "default"},
    }
    yield
    connections["replica"].close()
    del connections.settings["replica"]
    with contextlib.suppress(AttributeError):
        del connections._connections.replica  # a thread may never have opened it


@pytest.fixture
def routed() -> Iterator[None]:
    with override_settings(DATABASE_ROUTERS=[replica.ReplicaRouter()], MIDDLEWARE=ROUTED):
        from django.db import router

        router.routers = router._routers = [replica.ReplicaRouter()]  # type: ignore[attr-defined]
        yield
        del router.routers
        router._routers = None  # type: ignore[attr-defined]


def counted(client: Client, url: str) -> tuple[int, int, int]:
    """(status, queries on the primary, queries on the replica) of one GET."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as mirror,
    ):
        status = client.get(url).status_code
    return status, len(primary), len(mirror)


def test_anonymous_public_search_reads_the_replica(routed: None) -> None:
    certificate = cf.certificate("13")
    status, primary, mirror = counted(Client(), f"/api/certificates?q={certificate.number}")
    assert status == 200
    assert mirror > 0 and primary == 0
    status, primary, mirror = counted(Client(), "/certificates/?q=检测")
    assert status == 200 and mirror > 0 and primary == 0
    status, primary, mirror = counted(
        Client(), f"/institutions/{certificate.institution.credit_code}/"
    )
    assert status == 200 and mirror > 0 and primary == 0


def test_verification_stays_on_the_primary(routed: None) -> None:
    certificate = cf.certificate("13")
    token = certificate.versions.get().token
    for url in (
        f"/verify/{certificate.number}/?t={token}",
        f"/api/certificates/verify?token={token}",
    ):
        status, primary, mirror = counted(Client(), url)
        assert status == 200 and primary > 0 and mirror == 0, url


def test_signed_in_requests_and_writes_use_the_primary(routed: None) -> None:
    user = factories.regulator("13")
    client = Client()
    client.force_login(user)
    status, primary, mirror = counted(client, "/api/certificates")
    assert status == 200 and primary > 0 and mirror == 0
    status, primary, mirror = counted(Client(), "/api/certificates")  # anonymous again
    assert mirror > 0 and primary == 0


def test_router_rules_outside_requests() -> None:
    router = replica.ReplicaRouter()
    assert router.db_for_read(Institution) == "default"  # commands, jobs: no request
    assert router.db_for_write(Institution) == "default"
    assert router.allow_migrate("replica", "registry") is False
    assert router.allow_migrate("default", "registry") is True


def test_a_write_or_a_transaction_sends_the_rest_of_the_request_to_the_primary() -> None:
    router = replica.ReplicaRouter()
    token = replica._request.set(replica._Mark(public=True))
    try:
        assert router.db_for_read(Institution) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Institution) == "default"
        assert router.db_for_read(Institution) == "replica"
        router.db_for_write(Institution)
        assert router.db_for_read(Institution) == "default"
    finally:
        replica._request.reset(token)


@pytest.mark.parametrize(
    ("path", "public"),
    [
        ("/", True),
        ("/certificates/", True),
        ("/certificates/2113170000001/", True),
        ("/institutions/", True),
        ("/public/results/", True),
        ("/api/certificates", True),
        ("/api/institutions", True),
        ("/verify/2113170000001/", False),
        ("/api/certificates/verify", False),
        ("/certificates/issue/", True),  # a GET of a login-only page: nothing to write there
        ("/certificates/2113170000001/manage/", False),
        ("/workbench/", False),
        ("/admin/", False),
        ("/api/changes/certificates", False),
    ],
)
def test_public_paths(path: str, public: bool, rf: pytest.FixtureRequest) -> None:
    request = rf.get(path)  # type: ignore[attr-defined]
    assert replica.is_public_read(request) is public
    request = rf.post(path)  # type: ignore[attr-defined]
    assert replica.is_public_read(request) is False
    request = rf.get(path)  # type: ignore[attr-defined]
    request.COOKIES["sessionid"] = "x"
    assert replica.is_public_read(request) is False
