"""Bearer tokens: the same region scoping as for people, scopes, expiry, revocation, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ticcoop.apiclients import services
from ticcoop.apiclients.models import ApiClient, ApiToken
from ticcoop.registry.models import Institution
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def token_client(token: str) -> Client:
    # enforce_csrf_checks: a token call must pass without any CSRF token
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")


def make(name: str, scope: str, region: str | None = "13", **kw: object) -> tuple[ApiClient, str]:
    return services.create_client(
        None, name=name, scope=scope, region=factories.region(region) if region else None, **kw
    )


def body(region_code: str, credit_code: str) -> dict[str, str]:
    return {"credit_code": credit_code, "name": "接口机构", "region_code": region_code}


def test_token_is_stored_hashed_and_names_its_client() -> None:
    client, token = make("hebei-credit", "write-region")
    assert token.startswith("tic_hebei-credit_")
    stored = ApiToken.objects.get(client=client)
    assert token not in {stored.digest, stored.prefix}
    assert stored.digest == services.digest_of(token)
    assert not client.user.is_staff and not client.user.has_usable_password()


def test_region_13_token_writes_own_region_and_is_audited_as_its_client() -> None:
    client, token = make("hebei-writer", "write-region")
    code = factories.credit_code("13")
    response = token_client(token).post(
        "/api/institutions", body("13", code), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    institution = Institution.objects.get(credit_code=code)
    entry = LogEntry.objects.get_for_object(institution).first()
    assert entry is not None and entry.actor == client.user


def test_region_13_token_cannot_write_a_region_11_record() -> None:
    _client, token = make("hebei-writer2", "write-region")
    beijing = factories.institution("11", name="北京原名")
    api = token_client(token)
    code = factories.credit_code("11")
    assert (
        api.post("/api/institutions", body("11", code), content_type="application/json").status_code
        == 403
    )
    assert not Institution.objects.filter(credit_code=code).exists()
    patched = api.patch(
        f"/api/institutions/{beijing.credit_code}",
        {"name": "被改名"},
        content_type="application/json",
    )
    assert patched.status_code == 403
    assert api.delete(f"/api/institutions/{beijing.credit_code}").status_code == 403
    beijing.refresh_from_db()
    assert beijing.name == "北京原名"


def test_read_scopes_cannot_post() -> None:
    for scope, region in (("read-region", "13"), ("read-public", None)):
        _client, token = make(f"reader-{scope}", scope, region)
        code = factories.credit_code("13")
        response = token_client(token).post(
            "/api/institutions", body("13", code), content_type="application/json"
        )
        assert response.status_code == 403
        assert not Institution.objects.filter(credit_code=code).exists()
        assert token_client(token).get("/api/changes/institutions").status_code == 200


def test_pt_provider_scope_writes_only_pt_endpoints() -> None:
    _client, token = make("pt-provider-13", "pt-provider")
    code = factories.credit_code("13")
    response = token_client(token).post(
        "/api/institutions", body("13", code), content_type="application/json"
    )
    assert response.status_code == 403


def test_revoked_and_expired_tokens_are_refused() -> None:
    client, token = make("soon-gone", "write-region")
    _record, second = services.issue_token(None, client)
    assert token_client(second).get("/api/changes/institutions").status_code == 200
    ApiToken.objects.filter(digest=services.digest_of(second)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert token_client(second).get("/api/changes/institutions").status_code == 401
    assert token_client(token).get("/api/changes/institutions").status_code == 200
    services.revoke_client(None, client)
    assert token_client(token).get("/api/changes/institutions").status_code == 401
    assert (
        token_client("tic_nobody_" + "x" * 43).get("/api/changes/institutions").status_code == 401
    )


def test_session_writes_still_need_csrf() -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(factories.regulator("13"))
    code = factories.credit_code("13")
    response = browser.post("/api/institutions", body("13", code), content_type="application/json")
    assert response.status_code == 403
    assert not Institution.objects.filter(credit_code=code).exists()


def test_openapi_shows_bearer_and_session() -> None:
    schemes = Client().get("/api/openapi.json").json()["components"]["securitySchemes"]
    assert {"TokenAuth", "SessionAuth"} <= set(schemes)
    assert schemes["TokenAuth"]["scheme"] == "bearer"


def test_bad_shapes_are_refused_precisely() -> None:
    with pytest.raises(Exception, match="地区"):
        services.create_client(None, name="no-region", scope="write-region")
    with pytest.raises(Exception, match="机构"):
        services.create_client(None, name="no-inst", scope="institution")
    make("dup", "read-public", None)
    with pytest.raises(Exception, match="已存在"):
        make("dup", "read-public", None)


def test_cli_create_list_revoke(capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        "api_client", "create", "--name", "cli-13", "--region", "13", "--scope", "write-region"
    )
    token = capsys.readouterr().out.strip()
    assert token.startswith("tic_cli-13_")
    assert token_client(token).get("/api/changes/institutions").status_code == 200
    call_command("api_client", "list")
    assert "cli-13\twrite-region\t13\tactive\t1 live token(s)" in capsys.readouterr().out
    call_command("api_client", "revoke", "cli-13")
    assert token_client(token).get("/api/changes/institutions").status_code == 401


def test_hebei_regulator_cannot_register_a_beijing_client() -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_client(
            factories.regulator("13"),
            name="bj",
            scope="write-region",
            region=factories.region("11"),
        )
    assert not ApiClient.objects.filter(name="bj").exists()


def test_institution_scope_acts_as_that_institutions_user() -> None:
    from ticcoop.registry.queries import institution_of_user

    lab = factories.institution("13")
    client, token = services.create_client(None, name="lab", scope="institution", institution=lab)
    assert institution_of_user(client.user) == lab
    assert client.region == lab.region
    # an institution user is no regulator: it cannot write registry records
    code = factories.credit_code("13")
    response = token_client(token).post(
        "/api/institutions", body("13", code), content_type="application/json"
    )
    assert response.status_code == 403


def test_back_office_registers_a_client_and_shows_the_token_once() -> None:
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root", "r@example.invalid", "x")
    browser = Client()
    browser.force_login(root)
    response = browser.post(
        "/admin/apiclients/apiclient/add/",
        {"name": "from-admin", "scope": "read-region", "region": factories.region("13").pk,
         "institution": "", "owner": "", "is_active": "on",
         "tokens-TOTAL_FORMS": "0", "tokens-INITIAL_FORMS": "0"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    client = ApiClient.objects.get(name="from-admin")
    shown = [str(m) for m in response.context["messages"]]
    token = next(m.split("：", 1)[1] for m in shown if "tic_from-admin_" in m)
    assert services.digest_of(token) == client.tokens.get().digest
    assert browser.get("/admin/apiclients/apiclient/").status_code == 200
    assert browser.get(f"/admin/apiclients/apiclient/{client.pk}/change/").status_code == 200


def test_back_office_revokes_one_token() -> None:
    from django.contrib.auth.models import User

    client, token = make("one-token", "read-region")
    root = User.objects.create_superuser("root", "r@example.invalid", "x")
    browser = Client()
    browser.force_login(root)
    record = client.tokens.get()
    response = browser.post(
        "/admin/apiclients/apitoken/",
        {"action": "revoke", "_selected_action": [record.pk]},
    )
    assert response.status_code == 302
    assert token_client(token).get("/api/changes/institutions").status_code == 401
