"""Homogeneity and stability of the items (ISO 13528:2022 Annex B via methods.iso13528)."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.methods import iso13528 as pt
from ticcoop.proficiency.compute import jsonable
from ticcoop.proficiency.models import (
    CheckDecision,
    CheckKind,
    ItemCheck,
    Measurand,
    Round,
    RoundStatus,
    SigmaMethod,
)
from ticcoop.proficiency.queries import access_organiser


def design_sigma(measurand: Measurand, level: float) -> float:
    """The sigma_pt the checks are judged against, before the round's results exist."""
    method = measurand.scheme.sigma_method
    if method == SigmaMethod.PERCENT and measurand.sigma_percent:
        return abs(level) * measurand.sigma_percent / 100.0
    if method == SigmaMethod.HORWITZ and measurand.mass_fraction_per_unit:
        factor = measurand.mass_fraction_per_unit
        return pt.sigma_horwitz(level * factor).value / factor
    if measurand.sigma_value:
        return measurand.sigma_value
    raise ValidationError(
        _("测量项目“%(m)s”没有预期 σ_pt（请在测量项目中填写 σ_pt 值）") % {"m": measurand.name}
    )


def _numbers(values: Any, what: str) -> list[float]:
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("%(w)s 须全部为数字") % {"w": what}) from exc
    if not all(math.isfinite(v) for v in out):
        raise ValidationError(_("%(w)s 含非有限数值") % {"w": what})
    return out


def _compute(measurand: Measurand, kind: str, data: Any) -> tuple[float, dict[str, Any], bool]:
    try:
        if kind == CheckKind.HOMOGENEITY:
            table = [
                _numbers(row, _("第 %(i)s 个样品") % {"i": i})
                for i, row in enumerate(data, start=1)
            ]
            mean = sum(sum(r) / len(r) for r in table) / max(len(table), 1)
            sigma = design_sigma(measurand, mean)
            hom = pt.homogeneity(table, sigma)
            return sigma, asdict(hom) | {"u_hom": hom.u_hom}, bool(hom.passes)
        before = _numbers(data.get("before", []), _("之前的结果"))
        after = _numbers(data.get("after", []), _("之后的结果"))
        sigma = design_sigma(measurand, sum(before) / max(len(before), 1))
        stab = pt.stability(before, after, sigma, expanded=len(before) > 1 and len(after) > 1)
        return sigma, asdict(stab), bool(stab.passes)
    except pt.StatisticsInputError as exc:
        raise ValidationError(str(exc)) from exc
    except AttributeError as exc:
        raise ValidationError(_("稳定性数据须为 {before: [...], after: [...]}")) from exc


@transaction.atomic
def record_item_check(
    actor: Any, round_: Round, measurand: Measurand, kind: str, data: Any
) -> ItemCheck:
    """Enter (or re-enter, before evaluation) a homogeneity or stability study."""
    access_organiser(actor, round_)
    if round_.status in (RoundStatus.EVALUATED, RoundStatus.PUBLISHED):
        raise ValidationError(_("评价后不能再录入样品检验数据"))
    if measurand.scheme_id != round_.scheme_id:
        raise ValidationError({"measurand": _("测量项目不属于本轮次的计划")})
    if kind not in CheckKind.values:
        raise ValidationError({"kind": _("检验类型只能是均匀性或稳定性")})
    sigma, result, passed = _compute(measurand, kind, data)
    check = ItemCheck.objects.filter(round=round_, measurand=measurand, kind=kind).first()
    check = check or ItemCheck(round=round_, measurand=measurand, kind=kind)
    check.data, check.sigma_pt, check.result, check.passed = data, sigma, jsonable(result), passed
    check.decision, check.decision_reason, check.decided_by, check.decided_at = "", "", None, None
    check.full_clean()
    with audit_as(actor):
        check.save()
    return check


@transaction.atomic
def decide_item_check(actor: Any, check: ItemCheck, decision: str, reason: str) -> ItemCheck:
    """The provider's recorded decision on a failed check (e.g. widen sigma_pt), with reason."""
    access_organiser(actor, check.round)
    if check.round.status in (RoundStatus.EVALUATED, RoundStatus.PUBLISHED):
        raise ValidationError(_("评价后不能再改变决定，请重新评价"))
    if check.passed:
        raise ValidationError(_("该检验已通过，无需决定"))
    allowed = [CheckDecision.ACCEPT, CheckDecision.INCLUDE_U]
    if check.kind == CheckKind.HOMOGENEITY:
        allowed.append(CheckDecision.WIDEN_SIGMA)
    if decision not in allowed:
        raise ValidationError({"decision": _("可选决定：%(a)s") % {"a": "、".join(allowed)}})
    if not reason.strip():
        raise ValidationError({"decision_reason": _("须说明理由")})
    check.decision, check.decision_reason = decision, reason.strip()
    check.decided_by, check.decided_at = actor, timezone.now()
    check.full_clean()
    with audit_as(actor):
        check.save()
    return check


def check_terms(checks: list[ItemCheck]) -> dict[str, float]:
    """What the recorded decisions add to the statistics of one measurand."""
    terms = {"u_hom": 0.0, "u_stab": 0.0, "widen_s_s": 0.0}
    for check in checks:
        if check.passed:
            continue
        if check.kind == CheckKind.HOMOGENEITY and check.decision == CheckDecision.INCLUDE_U:
            terms["u_hom"] = float(check.result["s_s"])
        elif check.kind == CheckKind.HOMOGENEITY and check.decision == CheckDecision.WIDEN_SIGMA:
            terms["widen_s_s"] = float(check.result["s_s"])
        elif check.kind == CheckKind.STABILITY and check.decision == CheckDecision.INCLUDE_U:
            terms["u_stab"] = float(check.result["difference"]) / math.sqrt(3.0)
    return terms
