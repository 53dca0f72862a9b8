# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from ticcoop.schemas import InSchema


class ScopeRowSchema(InSchema):
    category: str
    product: str
    parameter: str
    standard_code: str
    clause: str = ""
    limits: str = ""


class VersionOut(Schema):
    number: int
    action: str
    status: str
    issue_date: date
    valid_from: date
    expiry_date: date
    institution_name: str
    credit_code: str
    scope: list[ScopeRowSchema]
    scope_digest: str
    reason: str
    actor_name: str
    created_at: datetime
    token: str


class CertificateOut(Schema):
    number: str
    institution_name: str
    credit_code: str
    issuing_region: str
    issue_date: date
    valid_from: date
    expiry_date: date
    status: str
    effective_status: str
    status_reason: str
    version: int

    @staticmethod
    def resolve_institution_name(obj: Any) -> str:
        return str(obj.institution.name)

    @staticmethod
    def resolve_credit_code(obj: Any) -> str:
        return str(obj.institution.credit_code)

    @staticmethod
    def resolve_issuing_region(obj: Any) -> str:
        return str(obj.issuer_code)

    @staticmethod
    def resolve_effective_status(obj: Any) -> str:
        return str(obj.effective_status())


class CertificatePageOut(Schema):
    items: list[CertificateOut]
    count: int
    count_is_exact: bool
    page: int = Field(alias="number")
    has_next: bool


class CertificateDetailOut(CertificateOut):
    scope: list[ScopeRowSchema]

    @staticmethod
    def resolve_scope(obj: Any) -> list[Any]:
        return list(obj.scope.all())


class IssueIn(InSchema):
    credit_code: str
    number: str
    issue_date: date
    assessment_id: int
    scope: list[ScopeRowSchema]
    national: bool = False


class ReasonIn(InSchema):
    reason: str


class ExtendIn(InSchema):
    application_date: date | None = None
    reason: str = ""


class ScopeChangeIn(InSchema):
    scope: list[ScopeRowSchema]
    reason: str


class CertificateVerifyOut(Schema):
    signature_valid: bool
    detail: str
    number: str | None = None
    token_version: int | None = None
    current_version: int | None = None
    is_current_version: bool = False
    current_status: str | None = None
    current_status_label: str | None = None
    fields: dict[str, Any] = {}
