"""Reads on the registry. Shared data: every role reads institutions; writes are scoped."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet

from ticcoop.accounts.queries import has_role
from ticcoop.accounts.roles import Role
from ticcoop.registry.models import Institution


def institution_of_user(user: Any) -> Institution | None:
    """The institution an institution user acts for (None for everyone else)."""
    if not getattr(user, "is_authenticated", False) or not has_role(user, Role.INSTITUTION_USER):
        return None
    try:
        institution: Institution = user.institution_membership.institution
    except ObjectDoesNotExist:
        return None
    return institution


def search_institutions(
    text: str = "", region_code: str = "", status: str = ""
) -> QuerySet[Institution]:
    queryset = Institution.objects.select_related("region")
    text = text.strip()
    if text:
        queryset = queryset.filter(
            Q(name__icontains=text) | Q(credit_code=text.upper()) | Q(address__icontains=text)
        )
    if region_code:
        queryset = queryset.filter(region__code=region_code)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("region__code", "name", "pk")
