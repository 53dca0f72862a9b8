"""Searching the published results: one set of filters for the page, the API and the CSV.

Filters (all optional, combined with AND): ``q`` — part of the target's name or its code
(统一社会信用代码 / 对象编号); ``region`` — region code; ``item`` — inspection item number;
``batch`` — batch code ``SUP-YYYY-NNNNN``; ``result`` — outcome; ``from``/``to`` — date
checked (YYYY-MM-DD, inclusive).  A bad value is refused with a precise message and
nothing is filtered by a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ticcoop.methods.workdays import add_working_days
from ticcoop.supervision.models import ResultKind, TaskResult

FIELDS = ("q", "region", "item", "batch", "result", "from", "to")
BATCH_CODE = re.compile(r"SUP-(\d{4})-(\d{5})")
#: 公示期 of a result notice: from its publication, this many working days.
NOTICE_WORKING_DAYS = 20
MAX_TEXT = 64


@dataclass(frozen=True)
class ResultFilters:
    q: str = ""
    region: str = ""
    item: str = ""
    batch: str = ""
    result: str = ""
    checked_from: date | None = None
    checked_to: date | None = None

    def apply(self, results: QuerySet[TaskResult]) -> QuerySet[TaskResult]:
        if self.q:
            results = results.filter(
                Q(task__target_name__icontains=self.q) | Q(task__target_code__icontains=self.q)
            )
        if self.region:
            results = results.filter(task__region__code=self.region)
        if self.item:
            # Task.items is "A;B;C": match a whole item number, not a part of one.
            pattern = rf"(^|;){re.escape(self.item)}(;|$)"
            results = results.filter(task__items__regex=pattern)
        if self.batch:
            year, number = self.batch.removeprefix("SUP-").split("-")  # checked by parse_filters
            results = results.filter(task__batch__pk=int(number), task__batch__plan__year=int(year))
        if self.result:
            results = results.filter(result=self.result)
        if self.checked_from:
            results = results.filter(checked_on__gte=self.checked_from)
        if self.checked_to:
            results = results.filter(checked_on__lte=self.checked_to)
        return results


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {
                name: _("%(name)s 应为 YYYY-MM-DD 格式的日期，收到“%(value)s”")
                % {"name": name, "value": value}
            }
        ) from None


def parse_filters(params: Mapping[str, str]) -> ResultFilters:
    """The filters of a query string; ValidationError naming the first bad field."""
    values = {name: (params.get(name) or "").strip() for name in FIELDS}
    for name, value in values.items():
        if len(value) > MAX_TEXT:
            raise ValidationError(
                {name: _("%(name)s 过长（最多 %(n)s 个字符）") % {"name": name, "n": MAX_TEXT}}
            )
    if values["batch"] and not BATCH_CODE.fullmatch(values["batch"]):
        raise ValidationError(
            {
                "batch": _("batch 应为批次编号，如 SUP-2026-00001，收到“%(v)s”")
                % {"v": values["batch"]}
            }
        )
    if values["result"] and values["result"] not in ResultKind.values:
        raise ValidationError(
            {
                "result": _("result 应为以下之一：%(choices)s")
                % {"choices": ", ".join(ResultKind.values)}
            }
        )
    start = _date(values["from"], "from") if values["from"] else None
    end = _date(values["to"], "to") if values["to"] else None
    if start and end and start > end:
        raise ValidationError({"to": _("结束日期不能早于开始日期")})
    return ResultFilters(
        q=values["q"],
        region=values["region"],
        item=values["item"],
        batch=values["batch"],
        result=values["result"],
        checked_from=start,
        checked_to=end,
    )


def notice_period(published: date) -> tuple[date, date]:
    """公示期 of a notice published on ``published`` (inclusive)."""
    return published, add_working_days(published, NOTICE_WORKING_DAYS)
