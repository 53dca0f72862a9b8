"""Joint inspection tasks: proposed → accepted by each participating region → in progress →
report → closed; notes, files and the hand-over of a case to the competent region."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import can_write_region
from ticcoop.inspections.models import (
    CaseHandover,
    JointTask,
    JointTaskFile,
    JointTaskMember,
    JointTaskNote,
    JointTaskRegion,
    JointTaskStatus,
)
from ticcoop.inspections.queries import (
    access_joint_task,
    may_contribute_to_joint_task,
    may_lead_joint_task,
    regulator_region_id,
)
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert, Institution
from ticcoop.uploads import check_files, file_fields


@transaction.atomic
def propose_joint_task(
    actor: Any,
    *,
    lead_region: Region,
    participants: Sequence[Region],
    title: str,
    kind: str,
    scope: str,
    planned_start: date,
    planned_end: date,
    members: Sequence[Expert] = (),
    leader: Expert | None = None,
    institution: Institution | None = None,
) -> JointTask:
    if not can_write_region(actor, lead_region.pk):
        raise PermissionDenied(_("只能以本地区为牵头地区提议联合检查"))
    others = sorted({r.pk: r for r in participants if r.pk != lead_region.pk}.values(), key=str)
    if not others:
        raise ValidationError({"participants": _("联合检查至少需要一个其他参加地区")})
    if planned_end < planned_start:
        raise ValidationError({"planned_end": _("计划结束日期不能早于开始日期")})
    allowed = {lead_region.pk, *(r.pk for r in others)}
    team = list(dict.fromkeys([*([leader] if leader else []), *members]))
    for expert in team:
        if expert.region_id not in allowed:
            raise ValidationError(
                {"members": _("%(name)s 不属于牵头或参加地区") % {"name": expert.name}}
            )
    task = JointTask(
        year=planned_start.year,
        title=title.strip(),
        kind=kind,
        lead_region=lead_region,
        institution=institution,
        scope=scope.strip(),
        planned_start=planned_start,
        planned_end=planned_end,
        created_by=actor,
    )
    task.full_clean()
    with audit_as(actor):
        task.save()
        for region in others:
            JointTaskRegion.objects.create(task=task, region=region)
        for expert in team:
            JointTaskMember.objects.create(task=task, expert=expert, is_leader=expert == leader)
    return task


def _locked(task: JointTask, *allowed: JointTaskStatus) -> JointTask:
    task = JointTask.objects.select_for_update().get(pk=task.pk)
    if task.status not in allowed:
        raise ValidationError(
            _("任务当前状态为“%(status)s”，不能执行此操作") % {"status": task.get_status_display()}
        )
    return task


@transaction.atomic
def accept_joint_task(actor: Any, task: JointTask) -> JointTask:
    """A participating region's regulator accepts for their region; all accepted → accepted."""
    region_id = regulator_region_id(actor)
    row = (
        task.participants.filter(region_id=region_id, accepted_at__isnull=True).first()
        if region_id is not None
        else None
    )
    if row is None or not can_write_region(actor, row.region_id):
        raise PermissionDenied(_("只有尚未确认的参加地区的监管人员可以确认本地区参加"))
    task = _locked(task, JointTaskStatus.PROPOSED)
    with audit_as(actor):
        row.accepted_at = timezone.now()
        row.accepted_by = actor
        row.save()
        if not task.participants.filter(accepted_at__isnull=True).exists():
            task.status = JointTaskStatus.ACCEPTED
            task.save()
    return task


def _lead_step(
    actor: Any, task: JointTask, expected: JointTaskStatus, new: JointTaskStatus
) -> JointTask:
    if not may_lead_joint_task(actor, task):
        raise PermissionDenied(_("只有牵头地区的监管人员可以执行此操作"))
    task = _locked(task, expected)
    task.status = new
    return task


@transaction.atomic
def start_joint_task(actor: Any, task: JointTask) -> JointTask:
    task = _lead_step(actor, task, JointTaskStatus.ACCEPTED, JointTaskStatus.IN_PROGRESS)
    with audit_as(actor):
        task.save()
    return task


@transaction.atomic
def submit_joint_report(actor: Any, task: JointTask, report: str) -> JointTask:
    if not report.strip():
        raise ValidationError({"report": _("请填写检查报告")})
    task = _lead_step(actor, task, JointTaskStatus.IN_PROGRESS, JointTaskStatus.REPORTED)
    with audit_as(actor):
        task.report = report.strip()
        task.reported_at = timezone.now()
        task.save()
    return task


@transaction.atomic
def close_joint_task(actor: Any, task: JointTask) -> JointTask:
    task = _lead_step(actor, task, JointTaskStatus.REPORTED, JointTaskStatus.CLOSED)
    with audit_as(actor):
        task.closed_at = timezone.now()
        task.save()
    return task


@transaction.atomic
def add_joint_note(
    actor: Any, task: JointTask, text: str, files: Sequence[UploadedFile] = ()
) -> JointTaskNote:
    """A shared note (and files) by a participating region's regulator or a team member."""
    access_joint_task(actor, task)
    if not may_contribute_to_joint_task(actor, task):
        raise PermissionDenied(_("只有参加地区的监管人员和检查组成员可以添加记录"))
    task = _locked(
        task, JointTaskStatus.ACCEPTED, JointTaskStatus.IN_PROGRESS, JointTaskStatus.REPORTED
    )
    if not text.strip():
        raise ValidationError({"text": _("请填写记录内容")})
    check_files(files)
    with audit_as(actor):
        note = JointTaskNote.objects.create(task=task, author=actor, text=text.strip())
        for upload in files:
            JointTaskFile.objects.create(task=task, uploaded_by=actor, **file_fields(upload))
    return note


@transaction.atomic
def hand_over_case(actor: Any, task: JointTask, to_region: Region, summary: str) -> CaseHandover:
    """Record the hand-over of a case to the competent region (移交有管辖权的地区)."""
    if not may_lead_joint_task(actor, task):
        raise PermissionDenied(_("只有牵头地区的监管人员可以移交案件"))
    task = _locked(task, JointTaskStatus.IN_PROGRESS, JointTaskStatus.REPORTED)
    if to_region.pk == task.lead_region_id:
        raise ValidationError({"to_region": _("不能移交给牵头地区自身")})
    if not summary.strip():
        raise ValidationError({"summary": _("请填写移交事项")})
    with audit_as(actor):
        return CaseHandover.objects.create(
            task=task, to_region=to_region, summary=summary.strip(), handed_over_by=actor
        )


@transaction.atomic
def receive_handover(actor: Any, handover: CaseHandover) -> CaseHandover:
    if not can_write_region(actor, handover.to_region_id):
        raise PermissionDenied(_("只有接收地区的监管人员可以确认接收"))
    handover = CaseHandover.objects.select_for_update().get(pk=handover.pk)
    if handover.received_at is not None:
        raise ValidationError(_("该移交已确认接收"))
    with audit_as(actor):
        handover.received_by = actor
        handover.received_at = timezone.now()
        handover.save()
    return handover
