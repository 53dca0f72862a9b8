"""The certificate table's rows (search page, institution page), prepared in Python.

Each row is plain text, so that the table template only prints (and draws the status badge):
with the URL tags, date filters and status method calls in the template, the 20 rows of a
search page took about a third of its time (issue 17).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _

from ticcoop.certificates.models import Certificate, CertificateStatus


@dataclass(frozen=True)
class TableRow:
    number: str
    url: str
    institution_name: str
    institution_url: str
    region: str
    issue_date: str
    expiry_date: str
    status: str
    status_label: str


MARKER = "ticcoop-path-value"


def path_of(name: str) -> Callable[[str], str]:
    """``reverse(name, args=[value])`` of a route with one ``<str:…>`` part, reversed once
    for a whole table (40 reversals were a tenth of a search page, issue 17): the route's
    text around the value, and the value quoted as reverse() quotes it.  A value that the
    route would refuse (empty, or with a "/") goes through reverse() itself."""
    before, after = reverse(name, args=[MARKER]).split(MARKER)
    safe = RFC3986_SUBDELIMS + "/~:@"

    def path(value: str) -> str:
        if not value or "/" in value:
            return reverse(name, args=[value])
        return before + quote(value, safe=safe) + after

    return path


def table_rows(certificates: Iterable[Certificate]) -> list[TableRow]:
    """Certificates (with institution and issuing region selected) as table rows."""
    today = timezone.localdate()
    certificate_path = path_of("certificates-detail")
    institution_path = path_of("institution-detail")
    national = _("国家认监委")
    rows = []
    for certificate in certificates:
        status = certificate.effective_status(today)
        region = certificate.issuing_region
        rows.append(
            TableRow(
                number=certificate.number,
                url=certificate_path(certificate.number),
                institution_name=certificate.institution.name,
                institution_url=institution_path(certificate.institution.credit_code),
                region=region.display_name if region else national,
                issue_date=certificate.issue_date.isoformat(),
                expiry_date=certificate.expiry_date.isoformat(),
                status=status,
                status_label=str(CertificateStatus(status).label),
            )
        )
    return rows
