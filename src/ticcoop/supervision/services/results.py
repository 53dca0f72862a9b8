"""Results of tasks: versions, publication (20 working days), evidence, the risk-class rule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop import events
from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import access_region_write
from ticcoop.digesting import RecordDigest
from ticcoop.methods.workdays import add_working_days
from ticcoop.registry.models import RiskClass
from ticcoop.registry.services import raise_risk_class, raise_risk_classes
from ticcoop.supervision.models import (
    Draw,
    EvidenceFile,
    ResultKind,
    Task,
    TaskResult,
    TaskStatus,
)
from ticcoop.supervision.services._common import invalid
from ticcoop.uploads import EVIDENCE_TYPES, MAX_FILE_BYTES, check_type

PUBLICATION_WORKING_DAYS = 20
#: Result → the credit-risk class the target is raised to at least (never lowered).
#: Override with settings.TICCOOP_SUPERVISION_RISK_RULE.
DEFAULT_RISK_RULE: dict[str, str] = {
    ResultKind.FILED: RiskClass.D,
    ResultKind.RECTIFY: RiskClass.C,
    ResultKind.REFUSED: RiskClass.C,
}
_RISK_ORDER = "ABCD"


def risk_rule() -> dict[str, str]:
    return dict(getattr(settings, "TICCOOP_SUPERVISION_RISK_RULE", DEFAULT_RISK_RULE))


def publication_deadline(checked_on: date) -> date:
    return add_working_days(checked_on, PUBLICATION_WORKING_DAYS)


@transaction.atomic
def record_result(
    actor: Any,
    task: Task,
    *,
    result: str,
    checked_on: date,
    findings: str = "",
    correction_reason: str = "",
) -> TaskResult:
    """Record (or, before publication, replace) a task's result; after it, a correction."""
    access_region_write(actor, task)
    if task.status == TaskStatus.SUPERSEDED:
        raise invalid("task", _("该任务已因重新抽取作废"))
    drawn_at = Draw.objects.filter(batch_id=task.batch_id).values_list("published_at", flat=True)
    if not drawn_at:
        raise invalid("task", _("该批次尚未抽取"))
    if checked_on < timezone.localtime(drawn_at[0]).date():
        raise invalid("checked_on", _("检查日期不能早于抽取公示日期"))
    if checked_on > timezone.localdate():
        raise invalid("checked_on", _("检查日期不能晚于今天"))
    latest = task.results.order_by("-version").first()
    if latest is not None and latest.published_at is None:
        record = latest
    else:
        if latest is not None and not correction_reason.strip():
            raise invalid("correction_reason", _("更正已公示的结果必须说明原因"))
        record = TaskResult(task=task, version=(latest.version + 1) if latest else 1)
    record.result, record.findings, record.checked_on = result, findings, checked_on
    record.correction_reason = correction_reason.strip()
    record.publication_deadline = publication_deadline(checked_on)
    record.recorded_by = actor
    record.full_clean()
    with audit_as(actor):
        record.save()
    return record


@transaction.atomic
def publish_result(actor: Any, result: TaskResult) -> TaskResult:
    """Publish a result version; it then feeds the target's credit-risk class."""
    task = result.task
    access_region_write(actor, task)
    if result.published_at is not None:
        raise invalid("published_at", _("该结果已经公示"))
    with audit_as(actor):
        result.published_at = timezone.now()
        result.save(update_fields=["published_at"])
        task.status = TaskStatus.DONE
        task.save(update_fields=["status"])
    apply_risk_rule(actor, result)
    events.record("results", result, type="result.published")  # last: see events.recorder
    return result


def _risk_reason(result: TaskResult) -> str:
    return _("双随机抽查（%(batch)s）：%(result)s") % {
        "batch": result.task.batch,
        "result": result.get_result_display(),
    }


def apply_risk_rule(actor: Any, result: TaskResult) -> None:
    to_class = risk_rule().get(result.result)
    if to_class is None:
        return
    task = result.task
    reason = _risk_reason(result)
    if task.institution is not None:
        raise_risk_class(actor, task.institution, to_class, source="supervision", reason=reason)
    elif task.target is not None:
        target = task.target
        if _RISK_ORDER.index(to_class) > _RISK_ORDER.index(target.risk_class):
            with audit_as(actor):
                target.risk_class = to_class
                target.save(update_fields=["risk_class", "updated_at"])


def apply_risk_rules(actor: Any, results: Sequence[TaskResult]) -> None:
    """:func:`apply_risk_rule` for many published results (a bulk publication): the
    institutions' raises are written together (``raise_risk_classes``)."""
    rule = risk_rule()
    raises = []
    for result in results:
        to_class = rule.get(result.result)
        if to_class is None:
            continue
        if result.task.institution_id is None:
            apply_risk_rule(actor, result)  # a market entity's target: one save
            continue
        raises.append((result.task.institution_id, to_class, _risk_reason(result)))
    raise_risk_classes(actor, raises, source="supervision")


@transaction.atomic
def add_evidence(actor: Any, task: Task, name: str, content: IO[bytes]) -> EvidenceFile:
    """Store an evidence file with its digest (hashing while reading, in chunks; the
    deployment's algorithm, ticcoop.digesting)."""
    access_region_write(actor, task)
    if task.status == TaskStatus.SUPERSEDED:
        raise invalid("task", _("该任务已因重新抽取作废"))
    digest, size, chunks = RecordDigest(), 0, []
    while chunk := content.read(1 << 16):
        digest.update(chunk)
        size += len(chunk)
        chunks.append(chunk)
        if size > MAX_FILE_BYTES:
            raise invalid("file", _("文件 %(name)s 超过 20 MB") % {"name": name})
    if size == 0:
        raise invalid("file", _("文件为空"))
    check_type(name, b"".join(chunks), EVIDENCE_TYPES, field="file")
    record = EvidenceFile(
        task=task, name=name[:256], sha256=digest.written(), size=size, uploaded_by=actor
    )
    with audit_as(actor):
        record.file.save(name, ContentFile(b"".join(chunks)), save=False)
        record.full_clean()
        record.save()
    return record
