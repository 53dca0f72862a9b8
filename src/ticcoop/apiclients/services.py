"""Writes on API clients and their tokens (back office and the ``api-client`` command)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import access_region_write
from ticcoop.accounts.roles import Role
from ticcoop.accounts.services import create_user
from ticcoop.apiclients.models import REGION_SCOPES, ApiClient, ApiToken, Scope
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution, InstitutionMembership

TOKEN_PREFIX = "tic"  # noqa: S105 - the public first word of every token, not a secret


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _role_for(scope: str) -> Role | None:
    if scope in REGION_SCOPES:
        return Role.REGULATOR
    if scope == Scope.INSTITUTION:
        return Role.INSTITUTION_USER
    return None


def _access(actor: Any, client: ApiClient) -> None:
    # actor None is the operator at the command line; people in the back office are scoped.
    if actor is not None:
        access_region_write(actor, client)


def _check_shape(scope: str, region: Region | None, institution: Institution | None) -> None:
    if scope not in Scope.values:
        raise ValidationError({"scope": _("未知的权限范围：%(scope)s") % {"scope": scope}})
    if scope in REGION_SCOPES and region is None:
        raise ValidationError({"region": _("该权限范围需要指定地区")})
    if scope == Scope.INSTITUTION and institution is None:
        raise ValidationError({"institution": _("机构自助权限需要指定机构")})
    if institution is not None and region is not None and institution.region_id != region.pk:
        raise ValidationError({"institution": _("机构不属于所选地区")})


def create_client(
    actor: Any,
    *,
    name: str,
    scope: str,
    region: Region | None = None,
    institution: Institution | None = None,
    owner: Any = None,
    days: int | None = None,
) -> tuple[ApiClient, str]:
    """A client, its service user and a first token; the token is returned only here."""
    if institution is not None and region is None:
        region = institution.region
    _check_shape(scope, region, institution)
    with transaction.atomic(), audit_as(actor):
        if ApiClient.objects.filter(name=name).exists():
            raise ValidationError({"name": _("客户端名称已存在：%(name)s") % {"name": name}})
        # The service user: same role and region as a person doing this work, no password,
        # never staff — it can only act through a token.
        user = create_user(
            actor=actor,
            username=f"api-{name}"[:150],
            password=None,
            role=_role_for(scope),
            region=region if scope in REGION_SCOPES else None,
            display_name=name,
        )
        User.objects.filter(pk=user.pk).update(is_staff=False)
        user.is_staff = False
        client = ApiClient(
            name=name, scope=scope, region=region, institution=institution, user=user, owner=owner
        )
        _access(actor, client)
        client.full_clean(exclude=["user"])
        client.save()
        if scope == Scope.INSTITUTION and institution is not None:
            InstitutionMembership.objects.create(user=user, institution=institution)
        _token, secret = _new_token(client, days)
    return client, secret


def _new_token(client: ApiClient, days: int | None) -> tuple[ApiToken, str]:
    secret = secrets.token_urlsafe(32)  # 32 random bytes
    token = f"{TOKEN_PREFIX}_{client.name}_{secret}"
    lifetime = days if days is not None else settings.TICCOOP_API_TOKEN_DAYS
    if lifetime <= 0:
        raise ValidationError({"days": _("有效天数必须大于零")})
    record = ApiToken.objects.create(
        client=client,
        prefix=token[: len(client.name) + 10],
        digest=digest_of(token),
        expires_at=timezone.now() + timedelta(days=lifetime),
    )
    return record, token


def issue_token(actor: Any, client: ApiClient, days: int | None = None) -> tuple[ApiToken, str]:
    _access(actor, client)
    if not client.is_active:
        raise ValidationError(_("客户端已停用"))
    with transaction.atomic(), audit_as(actor):
        return _new_token(client, days)


def revoke_token(actor: Any, token: ApiToken) -> ApiToken:
    _access(actor, token.client)
    with transaction.atomic(), audit_as(actor):
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def revoke_client(actor: Any, client: ApiClient) -> int:
    """Deactivate the client and revoke every token it holds; returns the tokens revoked."""
    _access(actor, client)
    with transaction.atomic(), audit_as(actor):
        client.is_active = False
        client.save(update_fields=["is_active"])
        return client.tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
