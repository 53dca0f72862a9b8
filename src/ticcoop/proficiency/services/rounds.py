"""Schemes, measurands, rounds and the round timeline (every transition checks its rule)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.services import save_scoped_record
from ticcoop.proficiency.models import (
    AssignedValueMethod,
    Measurand,
    ReferenceValue,
    Round,
    RoundStatus,
    Scheme,
)
from ticcoop.proficiency.queries import access_organiser, running_extensions


def save_scheme(actor: Any, scheme: Scheme) -> Scheme:
    """Create or change a scheme of the actor's own region."""
    save_scoped_record(actor, scheme)
    return scheme


@transaction.atomic
def create_scheme(actor: Any, scheme: Scheme, measurands: list[Measurand]) -> Scheme:
    """A scheme with its measurands, all or nothing."""
    if not measurands:
        raise ValidationError({"measurands": _("至少需要一个测量项目")})
    save_scoped_record(actor, scheme)
    for order, measurand in enumerate(measurands):
        measurand.scheme, measurand.order = scheme, order
        save_scoped_record(actor, measurand)
    return scheme


def save_measurand(actor: Any, measurand: Measurand) -> Measurand:
    save_scoped_record(actor, measurand)
    return measurand


def save_round(actor: Any, round_: Round) -> Round:
    """Create a round (open for enrolment) or edit its dates while enrolment is open."""
    if round_.pk is not None:
        stored = Round.objects.get(pk=round_.pk)
        if stored.status != round_.status:
            raise ValidationError(_("轮次状态只能通过流转操作改变"))
        if stored.status != RoundStatus.ENROLMENT:
            raise ValidationError(_("样品发放后不能再修改轮次信息"))
    else:
        round_.status = RoundStatus.ENROLMENT
    save_scoped_record(actor, round_)
    return round_


@transaction.atomic
def set_reference(actor: Any, round_: Round, measurand: Measurand, **values: Any) -> ReferenceValue:
    """Formulation value (u), certified value (U, k) or experts' results for a measurand."""
    access_organiser(actor, round_)
    if round_.status in (RoundStatus.EVALUATED, RoundStatus.PUBLISHED):
        raise ValidationError(_("评价后不能修改参考值，请先说明理由重新评价"))
    if measurand.scheme_id != round_.scheme_id:
        raise ValidationError({"measurand": _("测量项目不属于本轮次的计划")})
    if round_.scheme.x_pt_method == AssignedValueMethod.CONSENSUS:
        raise ValidationError(_("本计划以参加者公议值为指定值（ISO 13528:2022 7.7），不需要参考值"))
    ref = ReferenceValue.objects.filter(round=round_, measurand=measurand).first()
    ref = ref or ReferenceValue(round=round_, measurand=measurand)
    for name, value in values.items():
        setattr(ref, name, value)
    method = round_.scheme.x_pt_method
    known = method in (AssignedValueMethod.FORMULATION, AssignedValueMethod.CERTIFIED)
    if known and (ref.value is None or ref.uncertainty is None or ref.uncertainty < 0):
        raise ValidationError(_("配制值/认定值及其不确定度（≥ 0）均须填写"))
    if method == AssignedValueMethod.EXPERT:
        experts = ref.expert_results or []
        if len(experts) < 2:
            raise ValidationError({"expert_results": _("专家实验室结果至少需要 2 个")})
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in experts):
            raise ValidationError({"expert_results": _("专家实验室结果须全部为有限数值")})
    ref.full_clean()
    with audit_as(actor):
        ref.save()
    return ref


def _transition(actor: Any, round_: Round, expected: RoundStatus) -> Round:
    access_organiser(actor, round_)
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.status != expected:
        raise ValidationError(
            _("当前状态为“%(now)s”，此操作要求“%(need)s”")
            % {"now": locked.get_status_display(), "need": expected.label}
        )
    return locked


@transaction.atomic
def dispatch_items(actor: Any, round_: Round, *, now: datetime | None = None) -> Round:
    """Enrolment open → items dispatched; enrolment closes, at least one participant needed."""
    locked = _transition(actor, round_, RoundStatus.ENROLMENT)
    if not locked.participants.exists():
        raise ValidationError(_("尚无参加者，不能发放样品"))
    locked.status, locked.dispatched_at = RoundStatus.DISPATCHED, now or timezone.now()
    with audit_as(actor):
        locked.save(update_fields=["status", "dispatched_at"])
    return locked


@transaction.atomic
def close_results(actor: Any, round_: Round, *, now: datetime | None = None) -> Round:
    """Items dispatched → results closed; only once the results deadline and every
    participant's extension (the late-result rule) have passed."""
    locked = _transition(actor, round_, RoundStatus.DISPATCHED)
    moment = now or timezone.now()
    if moment <= locked.results_due:
        raise ValidationError(
            _("结果提交截止时间（%(due)s）未到，不能截止")
            % {"due": timezone.localtime(locked.results_due).strftime("%Y-%m-%d %H:%M")}
        )
    running = running_extensions(locked, moment)
    if running:
        raise ValidationError(
            _("参加者 %(codes)s 的结果提交延期尚未到期，不能截止")
            % {"codes": "、".join(e.participant.code for e in running)}
        )
    locked.status, locked.closed_at = RoundStatus.CLOSED, moment
    with audit_as(actor):
        locked.save(update_fields=["status", "closed_at"])
    return locked
