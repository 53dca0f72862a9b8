"""Entering scores: append-only records, the latest counts; corrections need a reason.

Scores are entered while the competition is in progress.  After the organiser confirmed
them (scores confirmed, appeal window) a new record is a correction and needs a reason; once
the results are published nothing can be entered any more.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.competitions.models import (
    BlindResult,
    Competition,
    CompetitionStatus,
    Contestant,
    ContestantStatus,
    Judge,
    JudgeScore,
    Stage,
    StageNumber,
    TheoryScore,
)
from ticcoop.competitions.queries import exclusion_reason, is_judge_user
from ticcoop.competitions.services._common import locked, require_organiser, require_status
from ticcoop.competitions.tables import read_table

CORRECTION_STATUSES = (CompetitionStatus.SCORES_CONFIRMED, CompetitionStatus.APPEAL_WINDOW)
NUMBER_HEADERS = ("编号", "number")
SCORE_HEADERS = ("成绩", "score")
SUBMITTED_HEADERS = ("交卷时间", "submitted_at")


def _check_entry(
    actor: Any, contestant: Contestant, reason: str, judge: Judge | None = None
) -> Competition:
    """Organiser (or, for judge scores, the judge's own user): while in progress, then only
    corrections with a reason, nothing after publication."""
    competition = locked(contestant.competition)
    if judge is None or not is_judge_user(actor, judge):
        require_organiser(actor, competition)
    require_status(
        competition, CompetitionStatus.IN_PROGRESS, *CORRECTION_STATUSES, doing=_("录入成绩")
    )
    if competition.status in CORRECTION_STATUSES and not reason.strip():
        raise ValidationError({"reason": _("成绩已确认，只能以更正记录修改，必须填写更正原因")})
    if contestant.status != ContestantStatus.CONFIRMED:
        raise ValidationError(
            {
                "contestant": _("选手 %(name)s 不是已确认的参赛选手")
                % {"name": contestant.person_name}
            }
        )
    return competition


def contestant_by_number(competition: Competition, stage: str, number: str) -> Contestant:
    """The contestant behind an anonymous stage number (organiser side)."""
    row = (
        StageNumber.objects.select_related("contestant__competition")
        .filter(competition=competition, stage=stage, number=number.strip())
        .first()
    )
    if row is None:
        raise ValidationError(
            {
                "number": _("%(stage)s环节没有编号 %(number)s")
                % {"stage": Stage(stage).label, "number": number}
            }
        )
    return row.contestant


def _save(actor: Any, record: Any) -> Any:
    record.full_clean()
    with audit_as(actor):
        record.save()
    return record


@transaction.atomic
def record_theory_score(
    actor: Any,
    contestant: Contestant,
    score: Decimal | float | str,
    submitted_at: datetime | None = None,
    reason: str = "",
) -> TheoryScore:
    _check_entry(actor, contestant, reason)
    value = _decimal(score, "score")
    return _save(
        actor,
        TheoryScore(
            contestant=contestant,
            score=value,
            submitted_at=submitted_at,
            reason=reason.strip(),
            entered_by=actor,
        ),
    )


@transaction.atomic
def record_blind_result(
    actor: Any, contestant: Contestant, value: float, reason: str = ""
) -> BlindResult:
    _check_entry(actor, contestant, reason)
    return _save(
        actor,
        BlindResult(
            contestant=contestant, value=float(value), reason=reason.strip(), entered_by=actor
        ),
    )


def _rubric_total(judge: Judge, item_scores: Sequence[float] | None, total: Any) -> Decimal:
    rubric = judge.discipline.rubric or []
    if not rubric:
        if total is None:
            raise ValidationError({"total": _("本项目没有评分细则，请直接填写评分")})
        return _decimal(total, "total")
    items = list(item_scores or [])
    if len(items) != len(rubric):
        raise ValidationError(
            {
                "item_scores": _("评分细则有 %(n)d 项，收到 %(m)d 项得分")
                % {"n": len(rubric), "m": len(items)}
            }
        )
    for row, value in zip(rubric, items, strict=True):
        if not 0 <= float(value) <= row["max"]:
            raise ValidationError(
                {
                    "item_scores": _("「%(item)s」得分须在 0–%(max)s 之间，收到 %(value)s")
                    % {"item": row["item"], "max": row["max"], "value": value}
                }
            )
    return _decimal(sum(Decimal(str(v)) for v in items), "total")


@transaction.atomic
def record_judge_score(
    actor: Any,
    judge: Judge,
    contestant: Contestant,
    *,
    item_scores: Sequence[float] | None = None,
    total: Any = None,
    reason: str = "",
) -> JudgeScore:
    competition = _check_entry(actor, contestant, reason, judge)
    if judge.discipline_id != contestant.discipline_id:
        raise ValidationError(
            {
                "judge": _("评委 %(judge)s 不是项目「%(discipline)s」的评委")
                % {"judge": judge.expert.name, "discipline": contestant.discipline.name}
            }
        )
    why = exclusion_reason(judge, contestant, competition.judge_exclusion)
    if why:
        raise ValidationError(
            {
                "judge": _("评委 %(judge)s 须回避（%(why)s），不能为该选手评分")
                % {"judge": judge.expert.name, "why": why}
            }
        )
    value = _rubric_total(judge, item_scores, total)
    return _save(
        actor,
        JudgeScore(
            contestant=contestant,
            judge=judge,
            total=value,
            item_scores=[float(v) for v in item_scores or []],
            reason=reason.strip(),
            entered_by=actor,
        ),
    )


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationError({field: _("「%(value)s」不是数字") % {"value": value}}) from exc
    if not number.is_finite() or not 0 <= number <= 100:
        raise ValidationError({field: _("成绩须在 0–100 之间，收到 %(value)s") % {"value": value}})
    return number.quantize(Decimal("0.01"))


def _pick(row: dict[str, str], names: Sequence[str]) -> str:
    for name in names:
        if name in row:
            return row[name]
    return ""


@transaction.atomic
def import_theory_scores(
    actor: Any, competition: Competition, filename: str, data: bytes, reason: str = ""
) -> int:
    """Import a theory score table (编号, 成绩[, 交卷时间]); all rows or none.

    Every bad row is reported with its row number; nothing is saved unless every row is valid.
    """
    competition = locked(competition)
    require_organiser(actor, competition)
    rows = read_table(filename, data)
    if not rows:
        raise ValidationError({"file": _("文件中没有成绩行")})
    if not any(h in rows[0][1] for h in NUMBER_HEADERS) or not any(
        h in rows[0][1] for h in SCORE_HEADERS
    ):
        raise ValidationError({"file": _("表头须包含「编号」和「成绩」两列")})
    errors: list[str] = []
    parsed: list[tuple[Contestant, Decimal, datetime | None]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        number = _pick(row, NUMBER_HEADERS)
        try:
            if number in seen:
                raise ValidationError(
                    _("编号 %(number)s 与第 %(line)d 行重复")
                    % {"number": number, "line": seen[number]}
                )
            seen[number] = line
            contestant = contestant_by_number(competition, Stage.THEORY, number)
            score = _decimal(_pick(row, SCORE_HEADERS), "score")
            submitted = _parse_time(_pick(row, SUBMITTED_HEADERS))
        except ValidationError as exc:
            errors.append(
                _("第 %(line)d 行：%(error)s") % {"line": line, "error": "；".join(exc.messages)}
            )
            continue
        parsed.append((contestant, score, submitted))
    if errors:
        raise ValidationError({"file": errors})
    for contestant, score, submitted in parsed:
        record_theory_score(actor, contestant, score, submitted, reason)
    return len(parsed)


def _parse_time(text: str) -> datetime | None:
    if not text:
        return None
    value = parse_datetime(text.replace("/", "-"))
    if value is None:
        raise ValidationError(
            _("交卷时间「%(text)s」格式应为 YYYY-MM-DD HH:MM[:SS]") % {"text": text}
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value
