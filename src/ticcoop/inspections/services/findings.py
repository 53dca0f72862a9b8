"""Findings and their rectification: open → submitted → accepted, or returned and resubmitted.

The inspecting team (or the inspecting region's regulator) records a finding against a clause
of the unified assessment criteria with a deadline in working days (Chinese official calendar);
the inspected institution answers; the inspecting side accepts or returns the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop import events
from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import can_write_region
from ticcoop.assessments.models import CriteriaClause
from ticcoop.inspections.models import (
    CampaignStatus,
    CampaignTarget,
    Finding,
    FindingFile,
    FindingRectification,
    FindingStatus,
    RectificationDecision,
    TargetStatus,
)
from ticcoop.inspections.models.campaigns import OPEN_FINDING_STATUSES
from ticcoop.inspections.queries import access_inspect, may_inspect, may_rectify
from ticcoop.methods.workdays import add_working_days
from ticcoop.uploads import check_files, file_fields

MAX_DEADLINE_DAYS = 120


@transaction.atomic
def record_finding(
    actor: Any,
    target: CampaignTarget,
    *,
    clause: CriteriaClause,
    description: str,
    severity: str,
    field: str = "",
    deadline_days: int | None = None,
    files: Sequence[UploadedFile] = (),
    today: date | None = None,
) -> Finding:
    access_inspect(actor, target)
    target = CampaignTarget.objects.select_related("pair__campaign").get(pk=target.pk)
    campaign = target.pair.campaign
    if campaign.status != CampaignStatus.IN_PROGRESS:
        raise ValidationError(_("只有检查中的互查可以记录问题"))
    if target.status == TargetStatus.NOT_INSPECTED:
        raise ValidationError(_("该对象已记录为未能检查，不能记录问题"))
    days = campaign.deadline_days if deadline_days is None else deadline_days
    if not 1 <= days <= MAX_DEADLINE_DAYS:
        raise ValidationError(
            {"deadline_days": _("整改期限应为1至%(max)d个工作日") % {"max": MAX_DEADLINE_DAYS}}
        )
    if not description.strip():
        raise ValidationError({"description": _("请填写问题描述")})
    check_files(files)
    start = today or timezone.localdate()
    finding = Finding(
        target=target,
        clause=clause,
        description=description.strip(),
        severity=severity,
        field=field.strip(),
        deadline_days=days,
        deadline=add_working_days(start, days),
        created_by=actor,
    )
    finding.full_clean()
    with audit_as(actor):
        finding.save()
        for upload in files:
            FindingFile.objects.create(finding=finding, uploaded_by=actor, **file_fields(upload))
        events.record("findings", finding, type="finding.raised")
    return finding


@transaction.atomic
def submit_finding_rectification(
    actor: Any, finding: Finding, text: str, files: Sequence[UploadedFile] = ()
) -> FindingRectification:
    """The inspected institution's user answers with its rectification (text + evidence)."""
    if not may_rectify(actor, finding):
        raise PermissionDenied(_("只有被检查机构的用户可以提交整改"))
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status not in OPEN_FINDING_STATUSES:
        raise ValidationError(
            _("问题当前状态为“%(status)s”，不能提交整改") % {"status": finding.get_status_display()}
        )
    if not text.strip():
        raise ValidationError({"text": _("请填写整改情况")})
    check_files(files)
    rectification = FindingRectification(finding=finding, text=text.strip(), submitted_by=actor)
    rectification.full_clean()
    with audit_as(actor):
        rectification.save()
        for upload in files:
            FindingFile.objects.create(
                finding=finding,
                rectification=rectification,
                uploaded_by=actor,
                **file_fields(upload),
            )
        finding.status = FindingStatus.SUBMITTED
        finding.save(update_fields=["status"])
    return rectification


def _review(actor: Any, finding: Finding, decision: RectificationDecision, note: str) -> Finding:
    if not may_inspect(actor, finding.target):
        raise PermissionDenied(_("只有检查组成员或检查方地区监管人员可以验收整改"))
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.SUBMITTED:
        raise ValidationError(
            _("问题当前状态为“%(status)s”，没有待验收的整改")
            % {"status": finding.get_status_display()}
        )
    pending = finding.rectifications.filter(decision=RectificationDecision.PENDING).last()
    if pending is None:  # pragma: no cover - SUBMITTED always has a pending answer
        raise ValidationError(_("没有待验收的整改"))
    now = timezone.now()
    with audit_as(actor):
        pending.decision = decision
        pending.review_note = note.strip()
        pending.reviewed_by = actor
        pending.reviewed_at = now
        pending.save()
        if decision == RectificationDecision.ACCEPTED:
            finding.status = FindingStatus.ACCEPTED
            finding.closed_at = now
        else:
            finding.status = FindingStatus.RETURNED
        finding.save()
        events.record("findings", finding)
    return finding


@transaction.atomic
def accept_finding_rectification(actor: Any, finding: Finding, note: str = "") -> Finding:
    return _review(actor, finding, RectificationDecision.ACCEPTED, note or _("整改有效，予以通过"))


@transaction.atomic
def reject_finding_rectification(actor: Any, finding: Finding, note: str) -> Finding:
    if not note.strip():
        raise ValidationError({"note": _("退回整改时必须说明理由")})
    return _review(actor, finding, RectificationDecision.REJECTED, note)


@transaction.atomic
def publish_finding(actor: Any, finding: Finding, published: bool = True) -> Finding:
    """The inspected region's regulator decides whether the case library names the institution."""
    if not can_write_region(actor, finding.target.pair.inspected_id):
        raise PermissionDenied(_("只有被检查方地区的监管人员可以决定是否公开机构名称"))
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    with audit_as(actor):
        finding.published = published
        finding.save(update_fields=["published"])
    return finding
