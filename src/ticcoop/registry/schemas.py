# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

from datetime import datetime

from ninja import Field, Schema

from ticcoop.schemas import InSchema


class InstitutionOut(Schema):
    credit_code: str
    name: str
    region_code: str
    address: str
    legal_representative: str
    status: str
    risk_class: str
    updated_at: datetime

    @staticmethod
    def resolve_region_code(obj: object) -> str:
        return obj.region.code  # type: ignore[attr-defined]


class InstitutionPageOut(Schema):
    items: list[InstitutionOut]
    count: int
    count_is_exact: bool
    page: int = Field(alias="number")
    has_next: bool


class InstitutionIn(InSchema):
    credit_code: str
    name: str
    region_code: str
    address: str = ""
    legal_representative: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    status: str = "operating"
    risk_class: str = "B"


class InstitutionPatch(InSchema):
    name: str | None = None
    region_code: str | None = None
    address: str | None = None
    legal_representative: str | None = None
    contact_person: str | None = None
    contact_phone: str | None = None
    status: str | None = None
    risk_class: str | None = None
