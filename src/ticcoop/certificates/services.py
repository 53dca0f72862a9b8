"""Certificate lifecycle: issue, change scope, extend, suspend, restore, revoke, cancel.

Every function checks the actor's region (only regulators of the issuing region write,
``accounts.queries``), the certificate's state, validates, and appends one immutable
:class:`CertificateVersion` with a freshly signed token — all in one transaction, under
``audit_as(actor)``.  Admin, pages and API call these functions and nothing else.
Rules: 《检验检测机构资质认定管理办法》(总局令第163号, 2021年修订) 第十一、十二条
(6-year validity, extension applied for three months before expiry) and 第十四条
(suspension, revocation, cancellation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop import events
from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import access_region_write
from ticcoop.assessments.models import Assessment
from ticcoop.assessments.queries import assessment_allows_issue
from ticcoop.certificates import signed
from ticcoop.certificates.models import (
    LIVE_STATUSES,
    Certificate,
    CertificateStatus,
    CertificateVersion,
    ScopeItem,
    VersionAction,
)
from ticcoop.certificates.scope import ScopeRow, digest_of, snapshot
from ticcoop.certificates.search import search_key
from ticcoop.certificates.validity import expiry_for, extended_period, extension_deadline
from ticcoop.notices.services import notify_all
from ticcoop.registry.models import Institution, InstitutionStatus
from ticcoop.registry.queries import members_of
from ticcoop.trust import services as trust

Signer = Callable[[dict[str, str | int]], str]


# --- helpers ----------------------------------------------------------------------------------


def scope_of(certificate: Certificate) -> list[ScopeRow]:
    return [
        ScopeRow.from_mapping(vars(item))
        for item in ScopeItem.objects.filter(certificate=certificate).order_by("position", "pk")
    ]


def _clean_scope(rows: Sequence[ScopeRow]) -> list[ScopeRow]:
    if not rows:
        raise ValidationError({"scope": _("能力范围至少需要一行")})
    problems = [
        _("第%(row)d行：%(message)s") % {"row": index, "message": message}
        for index, row in enumerate(rows, start=1)
        for _field, message in row.problems()
    ]
    if problems:
        raise ValidationError({"scope": problems})
    if len(set(rows)) != len(rows):
        raise ValidationError({"scope": _("能力范围有重复的行")})
    return list(rows)


def _write_scope(certificate: Certificate, rows: Iterable[ScopeRow]) -> None:
    ScopeItem.objects.filter(certificate=certificate).delete()
    ScopeItem.objects.bulk_create(
        ScopeItem(certificate=certificate, position=index, **row.as_dict())
        for index, row in enumerate(rows, start=1)
    )


# Versions that change a certificate's status announce it to webhook subscribers.
STATUS_EVENT: dict[str, str] = {
    kind.value: "certificate.status_changed"
    for kind in (
        VersionAction.SUSPENSION,
        VersionAction.RESTORATION,
        VersionAction.REVOCATION,
        VersionAction.CANCELLATION,
    )
}


def version_values(
    values: dict[str, Any], rows: Sequence[ScopeRow], *, action: str, reason: str, actor: Any
) -> tuple[dict[str, str | int], str, dict[str, Any]]:
    """(fields to sign, search key, the version's columns but certificate and token) of the
    certificate whose state ``values`` holds (``number``, ``institution_name``,
    ``credit_code``, ``issue_date``, ``valid_from``, ``expiry_date``, ``status``, ``version``:
    the new version's number) with scope ``rows``.  ``new_version`` builds the version from
    them; bulk writers (the demo's historical certificates) insert them as plain rows."""
    digest = digest_of(rows)
    fields = signed.payload_fields(
        number=values["number"],
        institution_name=values["institution_name"],
        credit_code=values["credit_code"],
        issue_date=values["issue_date"],
        expiry_date=values["expiry_date"],
        status=values["status"],
        version=values["version"],
        digest=digest,
    )
    key = search_key(
        values["number"],
        values["credit_code"],
        values["institution_name"],
        ((row.parameter, row.standard_code) for row in rows),
    )
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    columns = {
        "number": values["version"],
        "action": action,
        "status": values["status"],
        "issue_date": values["issue_date"],
        "valid_from": values["valid_from"],
        "expiry_date": values["expiry_date"],
        "institution_name": values["institution_name"],
        "credit_code": values["credit_code"],
        "scope": snapshot(rows),
        "scope_digest": digest,
        "reason": reason,
        "actor": real_actor,
        "actor_name": real_actor.get_username() if real_actor else "",
    }
    return fields, key, columns


def new_version(
    certificate: Certificate,
    rows: Sequence[ScopeRow],
    *,
    action: str,
    reason: str,
    actor: Any,
    sign: Signer | None = None,
    save: bool = True,
) -> CertificateVersion:
    """Build (and by default save) the next version, signing its payload."""
    certificate.version += 1
    institution = certificate.institution
    state = {
        "number": certificate.number,
        "institution_name": institution.name,
        "credit_code": institution.credit_code,
        "issue_date": certificate.issue_date,
        "valid_from": certificate.valid_from,
        "expiry_date": certificate.expiry_date,
        "status": certificate.status,
        "version": certificate.version,
    }
    fields, certificate.search_key, columns = version_values(
        state, rows, action=action, reason=reason, actor=actor
    )
    token = sign(fields) if sign else trust.sign_fields(certificate.issuer_code, fields)
    version = CertificateVersion(certificate=certificate, token=token, **columns)
    if save:
        certificate.save()
        version.save()
        events.record("certificates", certificate, type=STATUS_EVENT.get(action, ""))
    return version


def _locked(actor: Any, certificate: Certificate) -> Certificate:
    """Re-read the certificate under a row lock, after the region check."""
    access_region_write(actor, certificate)
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("institution", "issuing_region")
        .get(pk=certificate.pk)
    )


def _reason(reason: str, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("%(action)s必须填写原因") % {"action": action}})
    return reason


def _require_state(
    certificate: Certificate, action: str, allowed: Iterable[str], today: date | None = None
) -> None:
    """Refuse ``action`` unless the effective status (expired computed) is in ``allowed``."""
    effective = certificate.effective_status(today)
    if effective in allowed:
        return
    label = CertificateStatus(effective).label
    detail = _("（有效期至%(expiry)s）") % {"expiry": certificate.expiry_date.isoformat()}
    if effective != CertificateStatus.EXPIRED:
        detail = (
            _("（原因：%(reason)s）") % {"reason": certificate.status_reason}
            if certificate.status_reason
            else ""
        )
    raise ValidationError(
        {
            "status": _("证书%(number)s当前为“%(status)s”%(detail)s，不能%(action)s")
            % {"number": certificate.number, "status": label, "detail": detail, "action": action}
        }
    )


def _set_status(certificate: Certificate, status: str, reason: str) -> None:
    certificate.status = status
    certificate.status_reason = reason
    certificate.status_changed_at = timezone.now()


# --- issue --------------------------------------------------------------------------------------


def _check_issue_basis(institution: Institution, assessment: Assessment | None) -> None:
    if institution.status != InstitutionStatus.OPERATING:
        raise ValidationError(
            {
                "institution": _("机构状态为“%(status)s”，不能发证")
                % {"status": institution.get_status_display()}
            }
        )
    if assessment is None:
        raise ValidationError({"assessment": _("首次发证必须依据一次通过的评审")})
    if assessment.institution_id != institution.pk:
        raise ValidationError({"assessment": _("所选评审的被评审机构不是该机构")})
    refusal = assessment_allows_issue(assessment)
    if refusal is not None:
        raise ValidationError({"assessment": refusal})
    earlier = assessment.certificates.order_by("issue_date").first()
    if earlier is not None:
        raise ValidationError(
            {
                "assessment": _("该评审已是证书%(number)s的发证依据，一次评审只能首次发证一次")
                % {"number": earlier.number}
            }
        )
    held = live_certificate_of(institution)
    if held is not None:
        raise ValidationError(
            {
                "institution": _(
                    "机构已持有证书%(number)s（有效期至%(expiry)s），应办理变更或延续，不得重复发证"
                )
                % {"number": held.number, "expiry": held.expiry_date.isoformat()}
            }
        )


def live_certificate_of(institution: Institution, today: date | None = None) -> Certificate | None:
    """The institution's valid or suspended, unexpired certificate (at most one)."""
    day = today or timezone.localdate()
    return (
        Certificate.objects.filter(
            institution=institution, status__in=LIVE_STATUSES, expiry_date__gte=day
        )
        .order_by("-expiry_date")
        .first()
    )


@transaction.atomic
def issue_certificate(
    actor: Any,
    institution: Institution,
    *,
    number: str,
    issue_date: date,
    scope: Sequence[ScopeRow],
    assessment: Assessment | None,
    national: bool = False,
    reason: str = "",
) -> Certificate:
    """Initial issue (首次发证) after a passed initial assessment without open major NCs.

    The issuing region is the institution's region; ``national=True`` issues in the name of
    the national authority (number authority code 00; superusers only).
    """
    region = None if national else institution.region
    certificate = Certificate(
        number=(number or "").strip(),
        institution=institution,
        issuing_region=region,
        assessment=assessment,
        issue_date=issue_date,
        valid_from=issue_date,
        expiry_date=expiry_for(issue_date),
        status=CertificateStatus.VALID,
    )
    access_region_write(actor, certificate)
    if issue_date > timezone.localdate():
        raise ValidationError({"issue_date": _("发证日期不能晚于今天")})
    _check_issue_basis(institution, assessment)
    rows = _clean_scope(scope)
    certificate.full_clean()
    with audit_as(actor):
        certificate.save()
        _write_scope(certificate, rows)
        new_version(
            certificate, rows, action=VersionAction.ISSUE, reason=reason.strip(), actor=actor
        )
    return certificate


# --- changes ------------------------------------------------------------------------------------


@transaction.atomic
def change_scope(
    actor: Any, certificate: Certificate, scope: Sequence[ScopeRow], reason: str
) -> Certificate:
    """Replace the scope (扩项、缩项、变更); only on a valid, unexpired certificate."""
    certificate = _locked(actor, certificate)
    _require_state(certificate, _("变更能力范围"), [CertificateStatus.VALID])
    reason = _reason(reason, _("变更能力范围"))
    rows = _clean_scope(scope)
    if digest_of(rows) == digest_of(scope_of(certificate)):
        raise ValidationError({"scope": _("能力范围没有变化")})
    with audit_as(actor):
        _write_scope(certificate, rows)
        new_version(
            certificate, rows, action=VersionAction.SCOPE_CHANGE, reason=reason, actor=actor
        )
    return certificate


@transaction.atomic
def extend_certificate(
    actor: Any, certificate: Certificate, *, application_date: date | None = None, reason: str = ""
) -> Certificate:
    """延续: applied for ≥ 3 months before expiry; new 6-year period from old expiry + 1 day."""
    certificate = _locked(actor, certificate)
    today = timezone.localdate()
    applied = application_date or today
    _require_state(certificate, _("延续"), [CertificateStatus.VALID], today)
    if applied > today:
        raise ValidationError({"application_date": _("申请日期不能晚于今天")})
    if applied < certificate.valid_from:
        raise ValidationError(
            {
                "application_date": _(
                    "申请日期%(date)s早于本期有效期起始日%(start)s（本期已延续过）"
                )
                % {"date": applied.isoformat(), "start": certificate.valid_from.isoformat()}
            }
        )
    deadline = extension_deadline(certificate.expiry_date)
    if applied > deadline:
        raise ValidationError(
            {
                "application_date": _(
                    "延续申请应在有效期届满3个月前提出：有效期至%(expiry)s，最迟%(deadline)s申请，实际申请日期%(date)s"
                )
                % {
                    "expiry": certificate.expiry_date.isoformat(),
                    "deadline": deadline.isoformat(),
                    "date": applied.isoformat(),
                }
            }
        )
    certificate.valid_from, certificate.expiry_date = extended_period(certificate.expiry_date)
    certificate.full_clean()
    note = reason.strip() or _("%(date)s申请延续") % {"date": applied.isoformat()}
    with audit_as(actor):
        new_version(
            certificate,
            scope_of(certificate),
            action=VersionAction.EXTENSION,
            reason=note,
            actor=actor,
        )
    return certificate


def _status_change(
    actor: Any,
    certificate: Certificate,
    *,
    reason: str,
    action: str,
    allowed: Sequence[str],
    new_status: str,
    kind: str,
) -> Certificate:
    certificate = _locked(actor, certificate)
    _require_state(certificate, action, allowed)
    reason = _reason(reason, action)
    _set_status(certificate, new_status, reason)
    with audit_as(actor):
        new_version(certificate, scope_of(certificate), action=kind, reason=reason, actor=actor)
    params = {"subject": "certificate", "ref": certificate.number, "decision": "status-changed"}
    url = reverse("certificates-detail", args=[certificate.number])
    notify_all(members_of(certificate.institution_id), "decision", params, url=url)
    return certificate


@transaction.atomic
def suspend_certificate(actor: Any, certificate: Certificate, reason: str) -> Certificate:
    return _status_change(
        actor,
        certificate,
        reason=reason,
        action=_("暂停"),
        allowed=[CertificateStatus.VALID],
        new_status=CertificateStatus.SUSPENDED,
        kind=VersionAction.SUSPENSION,
    )


@transaction.atomic
def restore_certificate(actor: Any, certificate: Certificate, reason: str) -> Certificate:
    return _status_change(
        actor,
        certificate,
        reason=reason,
        action=_("恢复"),
        allowed=[CertificateStatus.SUSPENDED],
        new_status=CertificateStatus.VALID,
        kind=VersionAction.RESTORATION,
    )


@transaction.atomic
def revoke_certificate(actor: Any, certificate: Certificate, reason: str) -> Certificate:
    return _status_change(
        actor,
        certificate,
        reason=reason,
        action=_("撤销"),
        allowed=[CertificateStatus.VALID, CertificateStatus.SUSPENDED],
        new_status=CertificateStatus.REVOKED,
        kind=VersionAction.REVOCATION,
    )


@transaction.atomic
def cancel_certificate(actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """注销: also allowed once expired (有效期届满未延续的，应当注销)."""
    return _status_change(
        actor,
        certificate,
        reason=reason,
        action=_("注销"),
        allowed=[CertificateStatus.VALID, CertificateStatus.SUSPENDED, CertificateStatus.EXPIRED],
        new_status=CertificateStatus.CANCELLED,
        kind=VersionAction.CANCELLATION,
    )


LIFECYCLE_ACTIONS: dict[str, Callable[[Any, Certificate, str], Certificate]] = {
    "suspend": suspend_certificate,
    "restore": restore_certificate,
    "revoke": revoke_certificate,
    "cancel": cancel_certificate,
}
