"""The provider's workflow: instructions document, dispatch records (one by one or a CSV/XLSX
file, all or nothing), the lab's receipt confirmation, and deadline extensions.

Rules (docs/methods/pt-workflow.md): the instructions are edited by the organising region
until the items are dispatched, then only corrected as a new version with a reason; the
late-result rule lets a participant submit after ``results_due`` only under an extension the
provider granted with a reason, and the round is not closed while an extension runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.proficiency.models import (
    Condition,
    Dispatch,
    Extension,
    Instructions,
    Participant,
    Round,
    RoundStatus,
)
from ticcoop.proficiency.queries import access_organiser, institution_of
from ticcoop.proficiency.uploads import find_columns, read_table

MAX_DISPATCH_ROWS = 5000
DISPATCH_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("参加者代码", "代码", "code"),
    "courier": ("快递公司", "快递", "courier"),
    "tracking_number": ("运单号", "快递单号", "tracking", "tracking_number"),
    "dispatched_on": ("发出日期", "发放日期", "日期", "date", "dispatched_on"),
}
DISPATCH_LABELS = {
    "code": "参加者代码",
    "courier": "快递公司",
    "tracking_number": "运单号",
    "dispatched_on": "发出日期",
}
CLOSED_FOR_INSTRUCTIONS = (RoundStatus.PUBLISHED,)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _required(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("不能为空")})
    if len(value) > limit:
        raise ValidationError({field: _("不能超过 %(n)s 个字符") % {"n": limit}})
    return value


# --- Instructions -----------------------------------------------------------------------------


@transaction.atomic
def save_instructions(
    actor: Any,
    round_: Round,
    *,
    sample_handling: str,
    reporting: str,
    contact: str,
    reason: str = "",
    now: datetime | None = None,
) -> Instructions:
    """Edit the draft before dispatch; afterwards a new version, which needs a reason."""
    access_organiser(actor, round_)
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.status in CLOSED_FOR_INSTRUCTIONS:
        raise ValidationError(_("报告发布后不能再更正参加须知"))
    latest = locked.instructions.order_by("-version").first()
    dispatched = locked.status != RoundStatus.ENROLMENT
    reason = (reason or "").strip()
    if dispatched and latest is not None and not reason:
        raise ValidationError({"reason": _("样品已发放，参加须知只能以新版本更正，并须说明理由")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("不能超过 %(n)s 个字符") % {"n": 500}})
    if dispatched or latest is None:
        document = Instructions(round=locked, version=(latest.version + 1) if latest else 1)
        document.reason = reason if latest is not None else ""
    else:
        document = latest  # the draft, edited in place until dispatch
        document.reason = ""
    document.sample_handling = _required(sample_handling, "sample_handling", 5000)
    document.reporting = (reporting or "").strip()
    document.contact = _required(contact, "contact", 200)
    document.edited_by, document.edited_at = _user(actor), now or timezone.now()
    document.full_clean(exclude=["round"])
    with audit_as(actor):
        document.save()
    return document


# --- Dispatch records -------------------------------------------------------------------------


@dataclass(frozen=True)
class DispatchRow:
    code: str
    courier: str
    tracking_number: str
    dispatched_on: str | date
    row: int | None = None


def _where(row: DispatchRow, column: str) -> str:
    label = DISPATCH_LABELS[column]
    if row.row is not None:
        return _("第 %(row)s 行，列“%(col)s”") % {"row": row.row, "col": label}
    return _("参加者 %(code)s 的%(col)s") % {"code": row.code, "col": label}


def _date(raw: str | date) -> date | None:
    if isinstance(raw, date):
        return raw
    text = (raw or "").strip()
    if len(text) > 10 and text[10] in " T":  # an XLSX date cell: "2026-12-01 00:00:00"
        text = text[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _check_dispatch_row(
    row: DispatchRow, participants: dict[str, Participant], today: date, errors: list[str]
) -> tuple[Participant, Dispatch | None, date] | None:
    before = len(errors)
    participant = participants.get(row.code.strip())
    if participant is None:
        errors.append(
            _("%(w)s：本轮次没有参加者“%(v)s”") % {"w": _where(row, "code"), "v": row.code}
        )
    for column, limit in (("courier", 64), ("tracking_number", 64)):
        value = getattr(row, column).strip()
        if not value:
            errors.append(_("%(w)s：不能为空") % {"w": _where(row, column)})
        elif len(value) > limit:
            errors.append(
                _("%(w)s：不能超过 %(n)s 个字符") % {"w": _where(row, column), "n": limit}
            )
    day = _date(row.dispatched_on)
    if day is None:
        errors.append(
            _("%(w)s：“%(v)s”不是 YYYY-MM-DD 格式的日期")
            % {"w": _where(row, "dispatched_on"), "v": row.dispatched_on}
        )
    elif day > today:
        errors.append(_("%(w)s：不能晚于今天") % {"w": _where(row, "dispatched_on")})
    latest = None
    if participant is not None:
        latest = participant.dispatches.order_by("-pk").first()
        if latest is not None and latest.condition == Condition.INTACT:
            errors.append(
                _("%(w)s：参加者 %(code)s 已确认完好收到样品，不能再登记发放")
                % {"w": _where(row, "code"), "code": participant.code}
            )
        elif latest is not None and latest.confirmed:
            latest = None  # received damaged: this row records the items sent again
    if len(errors) > before or participant is None or day is None:
        return None
    return participant, latest, day


@transaction.atomic
def record_dispatches(
    actor: Any, round_: Round, rows: list[DispatchRow], *, now: datetime | None = None
) -> list[Dispatch]:
    """Validate every row (all errors at once, by row), then save them all or nothing.

    A row for a participant whose latest record is not yet confirmed corrects that record; a
    participant who received damaged items gets a new record (items sent again).
    """
    access_organiser(actor, round_)
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.status != RoundStatus.DISPATCHED:
        raise ValidationError(
            _("只有样品已发放的轮次可以登记发放记录（当前：%(s)s）")
            % {"s": locked.get_status_display()}
        )
    if not rows:
        raise ValidationError(_("没有要登记的发放记录"))
    moment = now or timezone.now()
    today = timezone.localtime(moment).date()
    participants = {p.code: p for p in locked.participants.all()}
    errors: list[str] = []
    checked = [_check_dispatch_row(row, participants, today, errors) for row in rows]
    seen: dict[str, int | None] = {}
    for row in rows:
        code = row.code.strip()
        if code in seen:
            errors.append(
                _("%(w)s：参加者“%(v)s”在文件中重复") % {"w": _where(row, "code"), "v": code}
            )
        seen[code] = row.row
    if errors:
        raise ValidationError(errors)
    saved = []
    with audit_as(actor):
        for row, item in zip(rows, checked, strict=True):
            if item is None:  # pragma: no cover - no errors means every row was checked
                raise ValidationError(_("第 %(row)s 行未通过校验") % {"row": row.row})
            participant, record, day = item
            record = record or Dispatch(participant=participant)
            record.courier, record.tracking_number = (
                row.courier.strip(),
                row.tracking_number.strip(),
            )
            record.dispatched_on, record.recorded_at = day, moment
            record.recorded_by = _user(actor)
            record.save()
            saved.append(record)
    return saved


def _dispatch_columns(header: list[str]) -> dict[str, int]:
    found, missing = find_columns(header, DISPATCH_COLUMNS, list(DISPATCH_COLUMNS))
    if missing:
        raise ValidationError(
            _("第 1 行（表头）缺少列：%(cols)s；须有列：参加者代码、快递公司、运单号、发出日期")
            % {"cols": "、".join(DISPATCH_LABELS[c] for c in missing)}
        )
    return found


def upload_dispatches(
    actor: Any, round_: Round, name: str, content: bytes, *, now: datetime | None = None
) -> list[Dispatch]:
    """A CSV/XLSX file with columns 参加者代码, 快递公司, 运单号, 发出日期 (YYYY-MM-DD)."""
    access_organiser(actor, round_)
    table = read_table(name, content)
    if not table:
        raise ValidationError(_("文件是空的"))
    columns = _dispatch_columns(table[0])
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(values):
            continue
        cells = {c: (values[i] if i < len(values) else "") for c, i in columns.items()}
        rows.append(DispatchRow(row=number, **cells))
    if not rows:
        raise ValidationError(_("文件中没有发放记录"))
    if len(rows) > MAX_DISPATCH_ROWS:
        raise ValidationError(_("一次最多上传 %(n)s 行") % {"n": MAX_DISPATCH_ROWS})
    return record_dispatches(actor, round_, rows, now=now)


@transaction.atomic
def confirm_receipt(
    actor: Any,
    dispatch: Dispatch,
    *,
    received_on: date | None,
    condition: str,
    remark: str = "",
    now: datetime | None = None,
) -> Dispatch:
    """The participant's institution confirms receipt once: the date and the items' state."""
    locked = Dispatch.objects.select_for_update().select_related("participant").get(pk=dispatch.pk)
    institution = institution_of(actor)
    if institution is None or institution.pk != locked.participant.institution_id:
        raise PermissionDenied(_("只有参加机构本身可以确认收样"))
    if locked.confirmed:
        raise ValidationError(_("已确认收样，不能再修改"))
    moment = now or timezone.now()
    errors: dict[str, str] = {}
    if received_on is None:
        errors["received_on"] = _("请填写收到日期")
    elif received_on < locked.dispatched_on:
        errors["received_on"] = _("收到日期不能早于发出日期（%(d)s）") % {
            "d": locked.dispatched_on.isoformat()
        }
    elif received_on > timezone.localtime(moment).date():
        errors["received_on"] = _("收到日期不能晚于今天")
    if condition not in Condition.values:
        errors["condition"] = _("请选择样品状态（完好或破损）")
    remark = (remark or "").strip()
    if condition == Condition.DAMAGED and not remark:
        errors["remark"] = _("样品破损时须说明破损情况")
    if len(remark) > 500:
        errors["remark"] = _("不能超过 %(n)s 个字符") % {"n": 500}
    if errors:
        raise ValidationError(errors)
    locked.received_on, locked.condition, locked.remark = received_on, condition, remark
    locked.confirmed_by, locked.confirmed_at = _user(actor), moment
    with audit_as(actor):
        locked.save()
    return locked


# --- Extensions (the late-result rule) ---------------------------------------------------------


@transaction.atomic
def grant_extension(
    actor: Any,
    participant: Participant,
    *,
    until: datetime,
    reason: str,
    now: datetime | None = None,
) -> Extension:
    """Let one participant submit until ``until`` (after the results deadline), with a reason."""
    round_ = Round.objects.select_for_update().get(pk=participant.round_id)
    access_organiser(actor, round_)
    if round_.status != RoundStatus.DISPATCHED:
        raise ValidationError(
            _("只有样品已发放、结果未截止的轮次可以延期（当前：%(s)s）")
            % {"s": round_.get_status_display()}
        )
    moment = now or timezone.now()
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("须说明延期理由")
    elif len(reason) > 500:
        errors["reason"] = _("不能超过 %(n)s 个字符") % {"n": 500}
    if until <= round_.results_due:
        errors["until"] = _("延期须晚于结果提交截止时间（%(due)s）") % {
            "due": timezone.localtime(round_.results_due).strftime("%Y-%m-%d %H:%M")
        }
    elif until <= moment:
        errors["until"] = _("延期须晚于当前时间")
    if errors:
        raise ValidationError(errors)
    extension = Extension(
        participant=participant,
        until=until,
        reason=reason,
        granted_by=_user(actor),
        granted_at=moment,
    )
    with audit_as(actor):
        extension.save()
    return extension
