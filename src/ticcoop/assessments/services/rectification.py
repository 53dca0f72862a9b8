"""Rectification of nonconformities: open → submitted → closed, or returned and resubmitted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import can_write_region
from ticcoop.assessments.models import (
    Decision,
    EvidenceFile,
    Nonconformity,
    NonconformityStatus,
    Rectification,
)
from ticcoop.assessments.queries import access_rectification_submit
from ticcoop.assessments.reminders import tell_decision
from ticcoop.uploads import check_files, file_fields


@transaction.atomic
def submit_rectification(
    actor: Any, nc: Nonconformity, evidence: str, files: Sequence[UploadedFile] = ()
) -> Rectification:
    """The institution submits evidence (text + files, each stored with its SHA-256)."""
    access_rectification_submit(actor, nc)
    nc = Nonconformity.objects.select_for_update().get(pk=nc.pk)
    if nc.status not in (NonconformityStatus.OPEN, NonconformityStatus.RETURNED):
        raise ValidationError(
            _("不符合项当前状态为“%(status)s”，不能提交整改") % {"status": nc.get_status_display()}
        )
    if not evidence.strip():
        raise ValidationError({"evidence": _("请填写整改说明")})
    check_files(files)
    rectification = Rectification(nonconformity=nc, evidence=evidence.strip(), submitted_by=actor)
    rectification.full_clean()
    with audit_as(actor):
        rectification.save()
        for upload in files:
            EvidenceFile.objects.create(rectification=rectification, **file_fields(upload))
        nc.status = NonconformityStatus.SUBMITTED
        nc.save(update_fields=["status"])
    return rectification


def may_review(user: Any, nc: Nonconformity) -> bool:
    """The owning region's regulators, or an assessor of the assessment's team."""
    if can_write_region(user, nc.assessment.institution.region_id):
        return True
    try:
        expert = user.expert
    except (ObjectDoesNotExist, AttributeError):
        return False
    return nc.assessment.members.filter(expert=expert).exists()


def _review(actor: Any, nc: Nonconformity, decision: Decision, note: str) -> Nonconformity:
    if not may_review(actor, nc):
        raise PermissionDenied(_("只有本地区监管人员或本次评审组成员可以审核整改"))
    nc = Nonconformity.objects.select_for_update().get(pk=nc.pk)
    if nc.status != NonconformityStatus.SUBMITTED:
        raise ValidationError(
            _("不符合项当前状态为“%(status)s”，没有待审核的整改")
            % {"status": nc.get_status_display()}
        )
    rectification = nc.rectifications.filter(decision=Decision.PENDING).last()
    if rectification is None:  # pragma: no cover - submitted always has a pending submission
        raise ValidationError(_("没有待审核的整改提交"))
    now = timezone.now()
    with audit_as(actor):
        rectification.decision = decision
        rectification.review_note = note.strip()
        rectification.reviewed_by = actor
        rectification.reviewed_at = now
        rectification.save()
        if decision == Decision.ACCEPTED:
            nc.status = NonconformityStatus.CLOSED
            nc.closure_note = note.strip()
            nc.closed_at = now
            nc.closed_by = actor
        else:
            nc.status = NonconformityStatus.RETURNED
        nc.save()
        tell_decision(nc, "accepted" if decision == Decision.ACCEPTED else "returned")
    return nc


@transaction.atomic
def accept_rectification(actor: Any, nc: Nonconformity, note: str = "") -> Nonconformity:
    """Accept the pending rectification and close the nonconformity (note = closure evidence)."""
    return _review(actor, nc, Decision.ACCEPTED, note or _("整改有效，予以关闭"))


@transaction.atomic
def return_rectification(actor: Any, nc: Nonconformity, note: str) -> Nonconformity:
    if not note.strip():
        raise ValidationError({"note": _("退回整改时必须说明理由")})
    return _review(actor, nc, Decision.RETURNED, note)
