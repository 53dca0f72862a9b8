"""Export of the registry in the import formats (round trip: export → import changes nothing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django.db.models import Q

from ticcoop.certificates.models import Certificate, CertificateStatus, ScopeItem
from ticcoop.certificates.tables import (
    CERTIFICATES,
    INSTITUTIONS,
    SCOPES,
    file_labels,
    write_csv,
    write_xlsx,
)
from ticcoop.registry.models import Institution, InstitutionStatus

CHUNK = 2000


def _institution_rows(region_code: str) -> Iterator[list[str]]:
    institutions = Institution.objects.select_related("region").order_by("credit_code")
    if region_code:
        institutions = institutions.filter(region__code=region_code)
    labels = file_labels(InstitutionStatus.choices)
    for item in institutions.iterator(chunk_size=CHUNK):
        yield [
            item.credit_code, item.name, item.region.code, item.address,
            item.legal_representative, item.contact_person, item.contact_phone,
            labels[item.status], item.risk_class,
        ]  # fmt: skip


def _region_filter(region_code: str, prefix: str = "") -> Q:
    if not region_code:
        return Q()
    if region_code == "00":
        return Q(**{f"{prefix}issuing_region__isnull": True})
    return Q(**{f"{prefix}issuing_region__code": region_code})


def _certificate_rows(region_code: str) -> Iterator[list[str]]:
    certificates = (
        Certificate.objects.filter(_region_filter(region_code))
        .select_related("institution")
        .order_by("number")
    )
    labels = file_labels(CertificateStatus.choices)
    for item in certificates.iterator(chunk_size=CHUNK):
        yield [
            item.number, item.institution.credit_code, item.issue_date.isoformat(),
            item.valid_from.isoformat(), item.expiry_date.isoformat(),
            labels[item.status], item.status_reason,
        ]  # fmt: skip


def _scope_rows(region_code: str) -> Iterator[list[str]]:
    items = (
        ScopeItem.objects.filter(_region_filter(region_code, "certificate__"))
        .select_related("certificate")
        .order_by("certificate__number", "position", "pk")
    )
    for item in items.iterator(chunk_size=CHUNK):
        yield [
            item.certificate.number, item.category, item.product, item.parameter,
            item.standard_code, item.clause, item.limits,
        ]  # fmt: skip


ROWS = {INSTITUTIONS: _institution_rows, CERTIFICATES: _certificate_rows, SCOPES: _scope_rows}
COUNTS = {
    INSTITUTIONS: lambda code: Institution.objects.filter(
        **({"region__code": code} if code else {})
    ).count(),
    CERTIFICATES: lambda code: Certificate.objects.filter(_region_filter(code)).count(),
    SCOPES: lambda code: ScopeItem.objects.filter(_region_filter(code, "certificate__")).count(),
}
Progress = Callable[[int], None]


def row_count(kind: str | None, region_code: str = "") -> int:
    """Rows of one kind's CSV, or of all sheets of the workbook (``kind`` None)."""
    kinds = [kind] if kind else list(ROWS)
    return sum(COUNTS[k](region_code) for k in kinds)


def _counted(rows: Iterable[list[str]], progress: Progress | None) -> Iterator[list[str]]:
    for row in rows:
        yield row
        if progress is not None:
            progress(1)


def export_csv(kind: str, region_code: str = "", progress: Progress | None = None) -> bytes:
    return write_csv(kind, _counted(ROWS[kind](region_code), progress))


def export_xlsx(region_code: str = "", progress: Progress | None = None) -> bytes:
    return write_xlsx({kind: _counted(rows(region_code), progress) for kind, rows in ROWS.items()})
