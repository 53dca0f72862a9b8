"""Reads on API clients: which client a presented token belongs to."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from ticcoop.apiclients.models import ApiClient, ApiToken
from ticcoop.apiclients.services import digest_of

# last_used_at is written at most this often per token (a write on every call would be wasteful).
LAST_USED_RESOLUTION = timedelta(minutes=5)


def token_for(raw: str) -> ApiToken | None:
    """The usable token for ``raw`` (active client, active user, not expired, not revoked)."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("client", "client__user")
        .filter(digest=digest_of(raw))
        .first()
    )
    if token is None or not token.is_usable():
        return None
    if not token.client.is_active or not token.client.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        # Bookkeeping, not a business write: a plain update outside the audit trail.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def client_listing() -> QuerySet[ApiClient]:
    return ApiClient.objects.select_related("region", "user").prefetch_related("tokens")
