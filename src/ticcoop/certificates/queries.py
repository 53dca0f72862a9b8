"""Reads on certificates: search, the public record, token verification against the DB.

Certificates are shared data: everyone reads every region's certificates the same way
(one certificate, recognised by all five regions).  Writes are scoped in services.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import can_write_region, region_id_of_record, writable_region_ids
from ticcoop.assessments.models import (
    PASSING_CONCLUSIONS,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
)
from ticcoop.certificates.models import (
    LIVE_STATUSES,
    NATIONAL_AUTHORITY,
    Certificate,
    CertificateQuerySet,
    CertificateVersion,
    effective_status_of,
)
from ticcoop.certificates.search import normalise
from ticcoop.compiled import CompiledQuery
from ticcoop.listing import SearchPage
from ticcoop.listing import search_page as listing_page
from ticcoop.methods.ids import IdentifierError, parse_certificate_number
from ticcoop.methods.signing import VerifiedPayload
from ticcoop.regions.models import Region
from ticcoop.registry.queries import split_query
from ticcoop.trust.queries import SignatureInvalid, signature_problem, verify_token


def certificates() -> CertificateQuerySet:
    return cast(
        CertificateQuerySet, Certificate.objects.select_related("institution", "issuing_region")
    )


def certificate_listing(region_code: str = "", status: str = "") -> CertificateQuerySet:
    """Every region's certificates, newest issue first (the listing index's order)."""
    queryset = certificates()
    if region_code == "00":
        queryset = queryset.filter(issuing_region__isnull=True)
    elif region_code:
        queryset = queryset.filter(issuing_region__code=region_code)
    if status:
        queryset = queryset.in_status(status)
    return queryset.order_by("-issue_date", "number")


def search_page(
    text: str,
    region_code: str,
    status: str,
    page: int,
    size: int,
    *,
    rows: bool = False,
    regions: list[Region] | None = None,
) -> SearchPage:
    """Search by certificate number, credit code, holder's name, parameter or standard code.

    One substring match on the normalised search key (search.py): a pg_trgm GIN index on
    PostgreSQL, a scan of one column on SQLite; paged by :func:`ticcoop.listing.search_page`.
    Items are certificates, or with ``rows`` plain dicts shaped as the API's CertificateOut.
    ``regions``: the active regions when the caller has read them (see split_query).
    """
    named_region, words = split_query(text, regions)
    listing = certificate_listing(region_code or named_region, status)
    matching = None
    for word in filter(None, map(normalise, words)):  # several words are AND-ed
        matching = (matching if matching is not None else listing).filter(search_key__contains=word)
    found = listing_page(listing, matching, page, size, _row_values if rows else None)
    if rows:
        today = timezone.localdate()
        found.items = [_row(values, today) for values in found.items]
    return found


#: The API's search row (schemas.CertificateOut) → the column it is read from.  Read as
#: values, not model objects validated by the schema's resolvers: for 50 rows that was about
#: half of the search API's time (issue 17).
ROW_FIELDS = {
    "number": "number",
    "institution_name": "institution__name",
    "credit_code": "institution__credit_code",
    "issuing_region": "issuing_region__code",
    "issue_date": "issue_date",
    "valid_from": "valid_from",
    "expiry_date": "expiry_date",
    "status": "status",
    "status_reason": "status_reason",
    "version": "version",
}


def _row_values(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.values(*ROW_FIELDS.values())


def _row(values: dict[str, Any], today: date) -> dict[str, Any]:
    row = {name: values[column] for name, column in ROW_FIELDS.items()}
    row["issuing_region"] = row["issuing_region"] or NATIONAL_AUTHORITY
    row["effective_status"] = effective_status_of(row["status"], row["expiry_date"], today)
    for name in ("issue_date", "valid_from", "expiry_date"):
        row[name] = row[name].isoformat()  # as the schema writes a date
    return row


BULK_PDF_LIMIT = 2000  # certificates in one ZIP (about 60 kB each)


def bulk_pdf_certificates(
    user: Any, text: str, region_code: str, status: str
) -> CertificateQuerySet:
    """The search's certificates that ``user`` may render in bulk: issued by the user's own
    region(s) only, whatever region the filters name (every region for a superuser)."""
    regions = writable_region_ids(user)
    if regions == []:
        raise PermissionDenied(_("只有监管人员可以批量下载本地区的证书"))
    named_region, words = split_query(text)
    listing = certificate_listing(region_code or named_region, status)
    if regions is not None:
        listing = listing.filter(issuing_region_id__in=regions)
    for word in filter(None, map(normalise, words)):
        listing = listing.filter(search_key__contains=word)
    return listing


def certificates_of(institution_id: int) -> QuerySet[Certificate]:
    return certificates().filter(institution_id=institution_id).order_by("-issue_date")


def versions_of(certificate: Certificate) -> QuerySet[CertificateVersion]:
    return certificate.versions.order_by("-number")


def can_manage(user: Any, certificate: Certificate) -> bool:
    return can_write_region(user, region_id_of_record(certificate))


def can_issue(user: Any, assessment: Assessment) -> bool:
    """The regulator of the assessed institution's region issues its certificate."""
    return can_write_region(user, assessment.institution.region_id)


def assessments_awaiting_issue(user: Any) -> QuerySet[Assessment]:
    """Passed initial assessments, in the user's regions, of institutions without a live
    certificate: the regulator's to-do list for initial issue.  The remaining rule (no open
    major nonconformity) is checked and named on the issue page itself."""
    live = Certificate.objects.filter(
        institution=OuterRef("institution"),
        status__in=LIVE_STATUSES,
        expiry_date__gte=timezone.localdate(),
    )
    queryset = Assessment.objects.filter(
        kind=AssessmentKind.INITIAL,
        status=AssessmentStatus.CONCLUDED,
        conclusion__in=PASSING_CONCLUSIONS,
        certificates__isnull=True,  # an assessment is the basis of one initial issue
    ).exclude(Exists(live))
    regions = writable_region_ids(user)
    if regions is not None:
        queryset = queryset.filter(institution__region_id__in=regions)
    return queryset.select_related("institution__region").order_by("-onsite_end", "-pk")


@dataclass
class TokenCheck:
    """The result of checking a printed token against the signature and the current record."""

    signature_valid: bool
    detail: str
    fields: dict[str, str | int] = field(default_factory=dict)
    matches_number: bool = False
    token_version: int | None = None
    is_current_version: bool = False
    issuer: str | None = None
    key_status: str | None = None
    problem: str = ""  # why the token is not this certificate's, as a sentence for pages


@dataclass(frozen=True)
class CurrentRecord:
    """What the verify API reads of a certificate's record: no model object, no holder row."""

    number: str
    version: int
    status: str
    expiry_date: date
    issuer_code: str

    def effective_status(self, today: date | None = None) -> str:
        return effective_status_of(self.status, self.expiry_date, today)


#: The verify API's read of the record a token names, compiled once (ticcoop.compiled): the
#: compiling was about as much work as the rest of the query (issue 17).
_CURRENT_RECORD = CompiledQuery(
    Certificate,
    lambda number: (
        Certificate.objects.filter(number=number)
        .order_by()  # the number is unique
        .values_list("number", "version", "status", "expiry_date", "issuing_region__code")[:1]
    ),
    arity=1,
)


@dataclass(frozen=True)
class VerifyRecord(CurrentRecord):
    """What the verify page shows of a certificate: the record, its holder, and the fields
    the current version was signed with (None without that version's row)."""

    status_reason: str
    region_name: str  # the issuing region's name in the page's language; "" for national
    institution_name: str
    credit_code: str
    signed_name: str | None
    signed_issue_date: date | None
    signed_scope_digest: str | None


#: The verify page's one read (record, holder, region, current version), compiled once: it
#: was a certificate query with both related rows and then a query for the version.
_VERIFY_RECORD = CompiledQuery(
    Certificate,
    lambda number: (
        Certificate.objects.filter(number=number)
        .order_by()  # the number is unique
        .annotate(current=FilteredRelation("versions", condition=Q(versions__number=F("version"))))
        .values_list(
            "number",
            "version",
            "status",
            "expiry_date",
            "issuing_region__code",
            "status_reason",
            "issuing_region__name_zh",
            "issuing_region__name_en",
            "institution__name",
            "institution__credit_code",
            "current__institution_name",
            "current__issue_date",
            "current__scope_digest",
        )[:1]
    ),
    arity=1,
)


def verify_record(number: str) -> VerifyRecord | None:
    """The verify page's record of ``number`` (None: no such certificate), in one query."""
    for row in _VERIFY_RECORD.rows(number):
        found, version, status, expiry, region, reason, name_zh, name_en, *rest = row
        english = (get_language() or "").startswith("en")  # as Region.display_name
        return VerifyRecord(
            found,
            version,
            status,
            expiry,
            region or NATIONAL_AUTHORITY,
            reason,
            (name_en if english else name_zh) if region else "",
            *rest,
        )
    return None


def check_token(token: str, certificate: CurrentRecord | None) -> TokenCheck:
    """Signature first (keys of every issuer), then: same number? current version?"""
    try:
        verified = verify_token(token)
    except SignatureInvalid as exc:
        return TokenCheck(False, str(exc), problem=signature_problem(exc))
    return _check_verified(verified, certificate)


def certificate_and_check(token: str) -> tuple[CurrentRecord | None, TokenCheck]:
    """The current record of the certificate a token names and the check of the token
    against it, verifying the signature once."""
    try:
        verified = verify_token(token)
    except SignatureInvalid as exc:
        return None, TokenCheck(False, str(exc), problem=signature_problem(exc))
    number = verified.fields.get("no")
    record = None
    if isinstance(number, str):
        for found, version, status, expiry_date, region in _CURRENT_RECORD.rows(number):
            record = CurrentRecord(
                found, version, status, expiry_date, region or NATIONAL_AUTHORITY
            )
    return record, _check_verified(verified, record)


def _check_verified(verified: VerifiedPayload, certificate: CurrentRecord | None) -> TokenCheck:
    fields = verified.fields
    version = fields.get("v")
    result = TokenCheck(
        True,
        _("签名有效"),
        fields=dict(fields),
        token_version=version if isinstance(version, int) else None,
        issuer=verified.issuer,
        key_status=verified.key_status,
    )
    if certificate is None:
        return result
    result.matches_number = fields.get("no") == certificate.number
    if not result.matches_number:
        result.detail = _("签名有效，但令牌属于证书%(other)s，不是%(number)s") % {
            "other": fields.get("no"),
            "number": certificate.number,
        }
        result.problem = _(
            "二维码的签名属于另一个证书（%(other)s），被用在了证书%(number)s上：可能是伪造的。"
        ) % {"other": fields.get("no"), "number": certificate.number}
        return result
    expected_issuer = certificate.issuer_code
    if verified.issuer != expected_issuer:
        result.signature_valid = False
        # API clients match the "not valid:" prefix of every failed check (SignatureInvalid).
        detail = _("令牌由%(issuer)s签发，而证书的发证机关为%(expected)s") % {
            "issuer": verified.issuer,
            "expected": expected_issuer,
        }
        result.detail = "not valid: " + detail
        result.problem = _(
            "二维码由%(issuer)s的密钥签名，而该证书的发证机关是%(expected)s：可能是伪造的。"
        ) % {"issuer": verified.issuer, "expected": expected_issuer}
        return result
    result.is_current_version = result.token_version == certificate.version
    if not result.is_current_version:
        result.detail = _("签名有效，但二维码为第%(old)s版，证书已更新到第%(new)s版") % {
            "old": result.token_version,
            "new": certificate.version,
        }
    return result


def certificate_for_token(token: str) -> Certificate | None:
    """The certificate named in a token's payload (read without verifying; verify first)."""
    try:
        verified = verify_token(token)
    except SignatureInvalid:
        return None
    number = verified.fields.get("no")
    if not isinstance(number, str):
        return None
    return certificates().filter(number=number).first()


def is_certificate_number(text: str) -> bool:
    try:
        parse_certificate_number(text)
    except IdentifierError:
        return False
    return True
