"""Signing keys: creation on first use, rotation, revocation, publication."""

from __future__ import annotations

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from ticcoop.methods.signing import PublicKeySet, SignatureInvalid, verify_payload
from ticcoop.testing import factories
from ticcoop.trust import queries, services
from ticcoop.trust.models import SigningKeyRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> User:
    return User.objects.create_superuser("root", "root@example.invalid", factories.PASSWORD)


def published(client: Client) -> PublicKeySet:
    response = client.get("/.well-known/ticcoop-keys.json")
    assert response.status_code == 200
    return PublicKeySet.from_json(response.content)


def test_first_signature_creates_one_key_per_issuer() -> None:
    token = services.sign_fields("11", {"n": "1"})
    services.sign_fields("11", {"n": "2"})
    services.sign_fields("platform", {"n": "3"})
    assert SigningKeyRecord.objects.filter(issuer="11").count() == 1
    assert SigningKeyRecord.objects.count() == 2
    assert queries.verify_token(token).fields == {"n": "1"}
    assert queries.verify_token(token).issuer == "11"


def test_issuer_must_be_a_region_code_or_platform() -> None:
    with pytest.raises(ValidationError):
        services.ensure_signing_key("beijing")


def test_rotation_keeps_old_tokens_valid_and_signs_with_the_new_key(
    root: User, client: Client
) -> None:
    old_token = services.sign_fields("12", {"n": "old"})
    old_kid = old_token.split(".")[1]
    new = services.rotate_key(root, "12")
    new_token = services.sign_fields("12", {"n": "new"})
    assert new_token.split(".")[1] == new.kid != old_kid
    keyset = published(client)
    assert keyset.get(old_kid).status == "retired"  # type: ignore[union-attr]
    assert keyset.get(new.kid).status == "active"  # type: ignore[union-attr]
    assert verify_payload(old_token, keyset).key_status == "retired"
    assert verify_payload(new_token, keyset).fields == {"n": "new"}


def test_revoked_key_stops_verifying_and_is_published_as_revoked(
    root: User, client: Client
) -> None:
    token = services.sign_fields("13", {"n": "1"})
    kid = token.split(".")[1]
    services.revoke_key(root, kid, "私钥泄露")
    keyset = published(client)
    assert keyset.get(kid).status == "revoked"  # type: ignore[union-attr]
    with pytest.raises(SignatureInvalid, match=r"not valid: key .* was revoked"):
        verify_payload(token, keyset)
    with pytest.raises(SignatureInvalid):
        queries.verify_token(token)
    # the next signature gets a fresh key
    assert services.sign_fields("13", {"n": "2"}).split(".")[1] != kid


def test_revocation_needs_a_reason_and_happens_once(root: User) -> None:
    kid = services.ensure_signing_key("14").kid
    with pytest.raises(ValidationError, match="原因"):
        services.revoke_key(root, kid, "  ")
    services.revoke_key(root, kid, "测试")
    with pytest.raises(ValidationError, match="已经吊销"):
        services.revoke_key(root, kid, "再次")


def test_only_superusers_rotate_or_revoke() -> None:
    regulator = factories.regulator("11")
    kid = services.ensure_signing_key("11").kid
    with pytest.raises(PermissionDenied):
        services.rotate_key(regulator, "11")
    with pytest.raises(PermissionDenied):
        services.revoke_key(regulator, kid, "x")
    assert SigningKeyRecord.objects.get(kid=kid).status == "active"


def test_private_key_never_reaches_the_audit_trail_nor_the_api(root: User, client: Client) -> None:
    services.rotate_key(root, "15")
    record = SigningKeyRecord.objects.get(issuer="15", status="active")
    assert "PRIVATE KEY" in record.private_key_pem
    assert LogEntry.objects.get_for_object(record).exists()
    for entry in LogEntry.objects.all():
        assert "PRIVATE" not in json.dumps(entry.changes)
    body = client.get("/api/trust/keys").content.decode()
    assert record.kid in body and "PRIVATE" not in body


def test_api_verify_reports_forged_tokens_without_error() -> None:
    token = services.sign_fields("11", {"n": "1"})
    client = Client()
    assert client.get("/api/trust/verify", {"token": token}).json()["valid"] is True
    forged = client.get("/api/trust/verify", {"token": token[:-3] + "AAA"}).json()
    assert forged["valid"] is False and forged["detail"].startswith("not valid:")


def test_admin_hides_the_private_key_and_revokes_through_the_service(root: User) -> None:
    record = services.ensure_signing_key("11")
    client = Client()
    client.force_login(root)
    page = client.get(f"/admin/trust/signingkeyrecord/{record.pk}/change/")
    assert page.status_code == 200
    assert record.kid in page.content.decode()
    assert "PRIVATE KEY" not in page.content.decode()
    url = "/admin/trust/signingkeyrecord/"
    form = {"action": "revoke_selected", "_selected_action": [record.pk]}
    asked = client.post(url, form)
    assert "吊销原因" in asked.content.decode()
    client.post(url, {**form, "apply": "1", "reason": "演练"})
    record.refresh_from_db()
    assert record.status == "revoked" and record.revocation_reason == "演练"


def test_admin_actions_refused_to_regulators() -> None:
    record = services.ensure_signing_key("11")
    client = Client()
    client.force_login(factories.regulator("11"))
    url = "/admin/trust/signingkeyrecord/"
    client.post(url, {"action": "rotate_selected", "_selected_action": [record.pk]})
    assert SigningKeyRecord.objects.count() == 1
    record.refresh_from_db()
    assert record.status == "active"


def test_new_keys_follow_the_setting_and_rotation_moves_a_region_to_sm2(
    root: User, client: Client, settings: object
) -> None:
    """A region signing with Ed25519 rotates to SM2: old tokens still verify, new ones are SM2."""
    settings.TICCOOP_SIGNING_ALGORITHM = "Ed25519"  # type: ignore[attr-defined]
    old_token = services.sign_fields("15", {"n": "old"})
    assert old_token.startswith("TC1.") and services.ensure_signing_key("15").algorithm == "Ed25519"
    new = services.rotate_key(root, "15", "SM2")
    assert new.algorithm == "SM2"
    new_token = services.sign_fields("15", {"n": "new"})
    assert new_token.startswith(f"TC1-SM2.{new.kid}.")
    document = json.loads(client.get("/.well-known/ticcoop-keys.json").content)
    algorithms = {entry["kid"]: entry["algorithm"] for entry in document["keys"]}
    assert algorithms == {old_token.split(".")[1]: "Ed25519", new.kid: "SM2"}
    keyset = published(client)
    assert verify_payload(old_token, keyset).key_status == "retired"
    assert verify_payload(new_token, keyset).fields == {"n": "new"}
    with pytest.raises(ValidationError, match="RSA"):
        services.rotate_key(root, "15", "RSA")
