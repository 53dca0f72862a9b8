# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema

from ticcoop.regions.models import Region

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name_zh: str
    name_en: str
    short_name: str
    authority_code: str


@router.get("/regions", response=list[RegionOut])
def list_regions(request: HttpRequest) -> QuerySet[Region]:
    return Region.objects.filter(is_active=True)
