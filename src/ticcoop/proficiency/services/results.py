"""Result submission (web form, API, CSV/XLSX upload): validated as a whole, saved atomically.

A correction before the deadline is a new version; old versions are kept and the latest counts.
Every submission gets a signed receipt (``services.receipts``).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.methods.iso13528 import StatisticsInputError, parse_result
from ticcoop.proficiency.models import (
    Measurand,
    Participant,
    Result,
    ResultSource,
    Round,
    RoundStatus,
)
from ticcoop.proficiency.queries import access_participant_write, latest_extension
from ticcoop.proficiency.services.receipts import issue_receipt
from ticcoop.proficiency.uploads import LABELS, read_rows


@dataclass(frozen=True)
class Entry:
    """One result as typed or read from a file (strings are parsed here)."""

    measurand: str
    reported: str
    expanded_u: str | float | None = None
    k: str | float | None = None
    method: str = ""
    row: int | None = None  # file row, for the error message


@dataclass(frozen=True)
class Clean:
    measurand: Measurand
    reported: str
    value: float
    censor: int
    expanded_u: float | None
    k: float | None
    method: str


def _where(entry: Entry, column: str) -> str:
    label = LABELS[column]
    if entry.row is not None:
        return _("第 %(row)s 行，列“%(col)s”") % {"row": entry.row, "col": label}
    return _("“%(m)s”的%(col)s") % {"m": entry.measurand, "col": label}


def _positive(
    raw: str | float | None, entry: Entry, column: str, errors: list[str]
) -> float | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = float(str(raw).strip())
    except ValueError:
        errors.append(_("%(w)s：“%(v)s”不是数字") % {"w": _where(entry, column), "v": raw})
        return None
    if not math.isfinite(value) or value <= 0:
        errors.append(_("%(w)s：须为正数，而不是 %(v)s") % {"w": _where(entry, column), "v": raw})
        return None
    return value


def decimals_problem(measurand: Measurand, reported: str) -> str:
    """Empty, or why ``reported`` has more decimals than the measurand's reporting precision."""
    text = unicodedata.normalize("NFKC", reported).lstrip("<>≤≥ ").strip()
    try:
        exponent = Decimal(text).as_tuple().exponent
    except InvalidOperation:
        return ""  # not a number: reported by the parser
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places <= measurand.decimals:
        return ""
    if measurand.decimals == 0:
        return _("“%(v)s”须为整数（本项目按整数报告）") % {"v": reported}
    return _("“%(v)s”最多 %(n)s 位小数") % {"v": reported, "n": measurand.decimals}


def _clean(
    entry: Entry, measurands: dict[str, Measurand], errors: list[str], decimals: bool = False
) -> Clean | None:
    before = len(errors)
    measurand = measurands.get(entry.measurand.strip())
    if measurand is None:
        errors.append(
            _("%(w)s：本计划没有测量项目“%(v)s”（可选：%(all)s）")
            % {"w": _where(entry, "measurand"), "v": entry.measurand, "all": "、".join(measurands)}
        )
    value, censor = 0.0, 0
    reported = str(entry.reported).strip()
    if not reported:
        errors.append(_("%(w)s：不能为空") % {"w": _where(entry, "result")})
    else:
        try:
            value, censor = parse_result(reported)
        except StatisticsInputError:
            errors.append(
                _("%(w)s：“%(v)s”不是数字，也不是“<0.5”“>100”形式的删失值")
                % {"w": _where(entry, "result"), "v": reported}
            )
        problem = decimals_problem(measurand, reported) if decimals and measurand else ""
        if problem:
            errors.append(_("%(w)s：%(p)s") % {"w": _where(entry, "result"), "p": problem})
    expanded_u = _positive(entry.expanded_u, entry, "expanded_u", errors)
    k = _positive(entry.k, entry, "k", errors)
    if k is not None and expanded_u is None and len(errors) == before:
        errors.append(_("%(w)s：给出 k 时须同时给出 U") % {"w": _where(entry, "expanded_u")})
    if expanded_u is not None and k is None:
        k = 2.0
    if len(entry.method) > 128:
        errors.append(_("%(w)s：不能超过 128 个字符") % {"w": _where(entry, "method")})
    if len(errors) > before or measurand is None:
        return None
    return Clean(measurand, reported, value, censor, expanded_u, k, entry.method.strip())


def check_open(participant: Participant, now: datetime | None = None) -> None:
    """Results only while items are out and before the deadline (or a granted extension)."""
    round_ = Round.objects.get(pk=participant.round_id)  # the stored state, not a stale copy
    if round_.status != RoundStatus.DISPATCHED:
        raise ValidationError(
            _("本轮次当前不接受结果（%(s)s）") % {"s": round_.get_status_display()}
        )
    moment = now or timezone.now()
    if moment <= round_.results_due:
        return
    # The late-result rule (docs/methods/pt-workflow.md): only under a running extension.
    extension = latest_extension(participant)
    if extension is None:
        raise ValidationError(_("已过结果提交截止时间，不能再提交或更正结果"))
    if moment > extension.until:
        raise ValidationError(
            _("已过延期截止时间（%(until)s），不能再提交或更正结果")
            % {"until": timezone.localtime(extension.until).strftime("%Y-%m-%d %H:%M")}
        )


@transaction.atomic
def submit_results(
    actor: Any,
    participant: Participant,
    entries: list[Entry],
    *,
    source: str = ResultSource.WEB,
    now: datetime | None = None,
    enforce_decimals: bool | None = None,
) -> list[Result]:
    """Validate every entry (all errors at once) and save them all, or nothing.

    Results typed into the web form must respect each measurand's number of decimals
    (``enforce_decimals`` defaults to True for the web source only: spreadsheet cells and
    API clients may carry binary floating-point digits).
    """
    access_participant_write(actor, participant)
    check_open(participant, now)
    if not entries:
        raise ValidationError(_("没有要提交的结果"))
    measurands = {m.name: m for m in participant.round.scheme.measurands.all()}
    errors: list[str] = []
    decimals = source == ResultSource.WEB if enforce_decimals is None else enforce_decimals
    cleaned = [_clean(entry, measurands, errors, decimals) for entry in entries]
    seen: set[str] = set()
    for entry in entries:
        if entry.measurand in seen:
            errors.append(
                _("%(w)s：“%(v)s”重复") % {"w": _where(entry, "measurand"), "v": entry.measurand}
            )
        seen.add(entry.measurand)
    if errors:
        raise ValidationError(errors)
    versions = dict(
        participant.results.values_list("measurand_id")
        .annotate(v=Max("version"))
        .values_list("measurand_id", "v")
    )
    saved = []
    with audit_as(actor):
        for item in (c for c in cleaned if c is not None):
            result = Result(
                participant=participant,
                measurand=item.measurand,
                version=versions.get(item.measurand.pk, 0) + 1,
                reported=item.reported,
                value=item.value,
                censor=item.censor,
                expanded_u=item.expanded_u,
                k=item.k,
                method=item.method,
                source=source,
                submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            result.full_clean()
            result.save()
            saved.append(result)
        issue_receipt(participant, saved, now or timezone.now())
    return saved


def upload_results(
    actor: Any, participant: Participant, name: str, content: bytes, *, now: datetime | None = None
) -> list[Result]:
    """A CSV/XLSX file with columns 测量项目, 结果, U, k, 方法 (English names also accepted)."""
    access_participant_write(actor, participant)
    check_open(participant, now)
    entries = [
        Entry(
            measurand=row.cells.get("measurand", ""),
            reported=row.cells.get("result", ""),
            expanded_u=row.cells.get("expanded_u"),
            k=row.cells.get("k"),
            method=row.cells.get("method", ""),
            row=row.row,
        )
        for row in read_rows(name, content)
    ]
    return submit_results(actor, participant, entries, source=ResultSource.FILE, now=now)
