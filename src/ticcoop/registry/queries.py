"""Reads on the registry. Shared data: every role reads institutions; writes are scoped."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import router
from django.db.models import QuerySet

from ticcoop.accounts.queries import has_role, is_staff_reader
from ticcoop.accounts.roles import Role
from ticcoop.compiled import CompiledQuery
from ticcoop.listing import SearchPage, search_page
from ticcoop.regions.models import Region
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


def members_of(institution_id: int) -> QuerySet[Any]:
    """The active users acting for an institution (who its inbox messages go to)."""
    return get_user_model().objects.filter(
        institution_membership__institution_id=institution_id, is_active=True
    )


def institution_listing(region_code: str = "", status: str = "") -> QuerySet[Institution]:
    """Institutions by region, then name (the listing index's order)."""
    queryset = Institution.objects.select_related("region")
    if region_code:
        queryset = queryset.filter(region__code=region_code)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("region_id", "name", "pk")


_REGION_FIELDS = [field.attname for field in Region._meta.concrete_fields]
#: Read by every search (the words naming a region) and search page: compiled once.
_ACTIVE_REGIONS = CompiledQuery(
    Region, lambda: Region.objects.filter(is_active=True).values_list(*_REGION_FIELDS)
)


def active_regions() -> list[Region]:
    """The active regions, as ``Region.objects.filter(is_active=True)`` gives them."""
    alias = router.db_for_read(Region)
    return [Region.from_db(alias, _REGION_FIELDS, row) for row in _ACTIVE_REGIONS.rows()]


def split_query(text: str, regions: list[Region] | None = None) -> tuple[str, list[str]]:
    """Words of a search, AND-ed by the callers; a word naming a region ("北京", "河北省",
    "Hebei") becomes a region filter, since people type "北京 食品" and no key holds it.
    ``regions``: the :func:`active_regions` the caller has already read (a page that also
    lists them), else they are read here."""
    region_code = ""
    words = []
    names = {
        name.upper(): region.code
        for region in (active_regions() if regions is None else regions)
        for name in (region.name_zh, region.short_name, region.name_en)
        if name
    }
    for word in text.split():
        code = names.get(word.upper()) or names.get(f"{word}市".upper()) or names.get(f"{word}省")
        if code and not region_code:
            region_code = code
        else:
            words.append(word)
    return region_code, words


def search_institutions(
    text: str, region_code: str, status: str, page: int, size: int
) -> SearchPage:
    """By name, address or credit code: every word a substring of the generated search key."""
    named_region, words = split_query(text)
    listing = institution_listing(region_code or named_region, status)
    matching = None
    for word in words:
        matching = (matching if matching is not None else listing).filter(
            search_key__contains=word.upper()
        )
    return search_page(listing, matching, page, size)


def sees_expert_ties(user: Any) -> bool:
    """Employers and declared ties of the expert pool are for regulators and observers only.

    They are the grounds for recusal (回避) that regulators check when forming teams; shown
    to an institution they would tell a lab who is tied to whom (and where they work).
    Everyone else sees names, regions and qualifications.
    """
    return is_staff_reader(user)
