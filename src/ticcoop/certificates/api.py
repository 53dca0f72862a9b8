# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.security import django_auth

from ticcoop.assessments.models import Assessment
from ticcoop.certificates import queries, services
from ticcoop.certificates.models import Certificate, CertificateStatus
from ticcoop.certificates.schemas import (
    CertificateDetailOut,
    CertificatePageOut,
    CertificateVerifyOut,
    ExtendIn,
    IssueIn,
    ReasonIn,
    ScopeChangeIn,
    VersionOut,
)
from ticcoop.certificates.scope import ScopeRow
from ticcoop.config.renderer import plain_response
from ticcoop.registry.models import Institution
from ticcoop.schemas import InSchema, PageNo

router = Router(tags=["certificates"])


class CertificateFilter(InSchema):
    q: str = ""
    region: str = ""
    status: str = ""
    page: PageNo = 1


def _certificate(number: str) -> Certificate:
    return get_object_or_404(queries.certificates(), number=number)


def _rows(rows: list[Any]) -> list[ScopeRow]:
    return [ScopeRow.from_mapping(row.dict()) for row in rows]


@router.get("", response=CertificatePageOut)
def search(request: HttpRequest, filters: Query[CertificateFilter]) -> Any:
    """Every region's certificates, searchable by number, credit code, name, parameter or
    standard; 50 per page.  ``count`` is exact when ``count_is_exact``, else "more than"."""
    found = queries.search_page(
        filters.q, filters.region, filters.status, filters.page, 50, rows=True
    )
    return plain_response(
        {
            "items": found.items,
            "count": found.count,
            "count_is_exact": found.count_is_exact,
            "page": found.number,
            "has_next": found.has_next,
        }
    )


@router.get("/verify", response=CertificateVerifyOut)
def verify(request: HttpRequest, token: str) -> Any:
    """Signature of a printed token + the certificate's current status from the database.

    Built in CertificateVerifyOut's exact shape (every field, in its order) and answered
    without ninja's validation of the response, as the search is (issue 17)."""
    certificate, check = queries.certificate_and_check(token)
    result: dict[str, Any] = {
        "signature_valid": check.signature_valid,
        "detail": str(check.detail),
        "number": None,
        "token_version": check.token_version,
        "current_version": None,
        "is_current_version": check.is_current_version,
        "current_status": None,
        "current_status_label": None,
        "fields": check.fields,
    }
    if certificate is not None:
        current = certificate.effective_status()
        result.update(
            number=certificate.number,
            current_version=certificate.version,
            current_status=current,
            current_status_label=str(CertificateStatus(current).label),
        )
    return plain_response(result)


@router.get("/{number}", response=CertificateDetailOut)
def detail(request: HttpRequest, number: str) -> Certificate:
    return _certificate(number)


@router.get("/{number}/versions", response=list[VersionOut])
def versions(request: HttpRequest, number: str) -> Any:
    return queries.versions_of(_certificate(number))


@router.post("", response={201: CertificateDetailOut}, auth=django_auth)
def issue(request: HttpRequest, payload: IssueIn) -> Status[Certificate]:
    institution = get_object_or_404(Institution, credit_code=payload.credit_code.strip().upper())
    assessment = get_object_or_404(Assessment, pk=payload.assessment_id)
    certificate = services.issue_certificate(
        request.user,
        institution,
        number=payload.number,
        issue_date=payload.issue_date,
        scope=_rows(payload.scope),
        assessment=assessment,
        national=payload.national,
    )
    return Status(201, certificate)


@router.post("/{number}/scope", response=CertificateDetailOut, auth=django_auth)
def change_scope(request: HttpRequest, number: str, payload: ScopeChangeIn) -> Certificate:
    return services.change_scope(
        request.user, _certificate(number), _rows(payload.scope), payload.reason
    )


@router.post("/{number}/extend", response=CertificateDetailOut, auth=django_auth)
def extend(request: HttpRequest, number: str, payload: ExtendIn) -> Certificate:
    return services.extend_certificate(
        request.user,
        _certificate(number),
        application_date=payload.application_date,
        reason=payload.reason,
    )


def _lifecycle(kind: str) -> Any:
    def handler(request: HttpRequest, number: str, payload: ReasonIn) -> Certificate:
        return services.LIFECYCLE_ACTIONS[kind](request.user, _certificate(number), payload.reason)

    handler.__name__ = f"{kind}_certificate"
    return handler


for _kind in services.LIFECYCLE_ACTIONS:
    router.post(f"/{{number}}/{_kind}", response=CertificateDetailOut, auth=django_auth)(
        _lifecycle(_kind)
    )
