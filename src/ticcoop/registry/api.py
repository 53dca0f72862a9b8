# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.security import django_auth

from ticcoop.regions.models import Region
from ticcoop.registry import services
from ticcoop.registry.models import Institution
from ticcoop.registry.queries import search_institutions
from ticcoop.registry.schemas import (
    InstitutionIn,
    InstitutionOut,
    InstitutionPageOut,
    InstitutionPatch,
)
from ticcoop.schemas import InSchema, PageNo

router = Router(tags=["registry"])


class InstitutionFilter(InSchema):
    q: str = ""
    region: str = ""
    status: str = ""
    page: PageNo = 1


def _apply(institution: Institution, changes: dict[str, Any]) -> None:
    region_code = changes.pop("region_code", None)
    if region_code is not None:
        institution.region = get_object_or_404(Region, code=region_code)
    for field, value in changes.items():
        setattr(institution, field, value)


@router.get("/institutions", response=InstitutionPageOut)
def list_institutions(request: HttpRequest, filters: Query[InstitutionFilter]) -> Any:
    """By name, address or credit code; 50 per page.  ``count`` is exact when
    ``count_is_exact``, else "more than"."""
    return search_institutions(filters.q, filters.region, filters.status, filters.page, 50)


@router.get("/institutions/{credit_code}", response=InstitutionOut)
def get_institution(request: HttpRequest, credit_code: str) -> Institution:
    return get_object_or_404(Institution.objects.select_related("region"), credit_code=credit_code)


@router.post("/institutions", response={201: InstitutionOut}, auth=django_auth)
def create_institution(request: HttpRequest, payload: InstitutionIn) -> Status[Institution]:
    institution = Institution()
    _apply(institution, payload.dict())
    return Status(201, services.save_institution(request.user, institution))


@router.patch("/institutions/{credit_code}", response=InstitutionOut, auth=django_auth)
def update_institution(
    request: HttpRequest, credit_code: str, payload: InstitutionPatch
) -> Institution:
    institution = get_object_or_404(Institution, credit_code=credit_code)
    _apply(institution, payload.dict(exclude_unset=True))
    return services.save_institution(request.user, institution)


@router.delete("/institutions/{credit_code}", response={204: None}, auth=django_auth)
def delete_institution(request: HttpRequest, credit_code: str) -> Status[None]:
    institution = get_object_or_404(Institution, credit_code=credit_code)
    services.delete_institution(request.user, institution)
    return Status(204, None)
