"""Reads on the registry. Shared data: every role reads institutions; writes are scoped."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ticcoop.registry.models import Institution


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
