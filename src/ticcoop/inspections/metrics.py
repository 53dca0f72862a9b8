"""Progress metrics of the action plan, computed from the platform's records (never typed in).

``METRICS`` maps a key to a :class:`Metric`; ``ActionItem.metric`` names one.  Areas built by
other apps (PT rounds, competitions, certificates, double-random batches) are looked up with
``django.apps.apps.get_model`` — ``inspections`` may not import those apps (tests/
test_architecture.py) — and report "not available" when the model or field does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticcoop.inspections.models import (
    Campaign,
    CampaignStatus,
    CampaignTarget,
    Finding,
    FindingStatus,
    JointTask,
    JointTaskStatus,
    RectificationDecision,
    TargetStatus,
)


@dataclass(frozen=True)
class MetricValue:
    available: bool
    value: float | None = None  # a count, or a share in [0, 1]
    numerator: int | None = None
    denominator: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Metric:
    label: Any  # lazy translation
    kind: str  # "ratio" (share, target 100 %) or "count" (against ActionItem.target)
    compute: Callable[[int, date], MetricValue]


def _ratio(numerator: int, denominator: int) -> MetricValue:
    if denominator == 0:
        return MetricValue(True, None, 0, 0, _("尚无记录"))
    return MetricValue(True, numerator / denominator, numerator, denominator)


def _count(value: int) -> MetricValue:
    return MetricValue(True, float(value), value, None)


def campaigns_closed(year: int, today: date) -> MetricValue:
    campaigns = Campaign.objects.filter(year=year)
    return _ratio(campaigns.filter(status=CampaignStatus.CLOSED).count(), campaigns.count())


def targets_inspected(year: int, today: date) -> MetricValue:
    targets = CampaignTarget.objects.filter(pair__campaign__year=year)
    return _ratio(targets.filter(status=TargetStatus.INSPECTED).count(), targets.count())


def findings_on_time(year: int, today: date) -> MetricValue:
    """Accepted answers submitted by the deadline, over findings due or already accepted."""
    findings = Finding.objects.filter(target__pair__campaign__year=year)
    due = findings.filter(deadline__lt=today) | findings.filter(status=FindingStatus.ACCEPTED)
    on_time = (
        findings.filter(
            status=FindingStatus.ACCEPTED,
            rectifications__decision=RectificationDecision.ACCEPTED,
            rectifications__submitted_at__date__lte=F("deadline"),
        )
        .distinct()
        .count()
    )
    return _ratio(on_time, due.distinct().count())


def joint_tasks_closed(year: int, today: date) -> MetricValue:
    tasks = JointTask.objects.filter(year=year)
    return _ratio(tasks.filter(status=JointTaskStatus.CLOSED).count(), tasks.count())


def _foreign_count(
    app_label: str, model_names: Sequence[str], filters: Sequence[dict[str, Any]]
) -> MetricValue:
    """Count rows of another app's model by the first model name and filter that exist."""
    for name in model_names:
        try:
            model = apps.get_model(app_label, name)
        except LookupError:
            continue
        for conditions in filters:
            try:
                return _count(model._default_manager.filter(**conditions).count())
            except (FieldError, ValueError):
                continue
        return MetricValue(False, detail=_("%(model)s 缺少所需字段") % {"model": name})
    return MetricValue(False, detail=_("该功能尚未上线（%(app)s）") % {"app": app_label})


def pt_rounds_completed(year: int, today: date) -> MetricValue:
    """proficiency.Round of the year whose results were evaluated or published."""
    return _foreign_count(
        "proficiency",
        ["Round"],
        [{"year": year, "status__in": ["evaluated", "published"]}],
    )


def competitions_published(year: int, today: date) -> MetricValue:
    return _foreign_count(
        "competitions",
        ["Competition"],
        [
            {"year": year, "status": "results_published"},
            {"year": year, "published_at__isnull": False},
        ],
    )


def certificates_issued(year: int, today: date) -> MetricValue:
    return _foreign_count("certificates", ["Certificate"], [{"issue_date__year": year}])


def assessments_concluded(year: int, today: date) -> MetricValue:
    return _foreign_count(
        "assessments", ["Assessment"], [{"status": "concluded", "concluded_at__year": year}]
    )


def double_random_batches(year: int, today: date) -> MetricValue:
    """supervision.Batch of the year's plans that were drawn and published."""
    return _foreign_count("supervision", ["Batch"], [{"plan__year": year, "status": "drawn"}])


METRICS: dict[str, Metric] = {
    "cross_campaigns_closed": Metric(
        gettext_lazy("本年度交叉互查已结束的比例"), "ratio", campaigns_closed
    ),
    "cross_targets_inspected": Metric(
        gettext_lazy("抽中机构已检查的比例"), "ratio", targets_inspected
    ),
    "cross_findings_on_time": Metric(
        gettext_lazy("问题按期整改通过的比例"), "ratio", findings_on_time
    ),
    "joint_tasks_closed": Metric(
        gettext_lazy("联合检查任务已结束的比例"), "ratio", joint_tasks_closed
    ),
    "pt_rounds_completed": Metric(
        gettext_lazy("已完成的能力验证轮次"), "count", pt_rounds_completed
    ),
    "competitions_published": Metric(
        gettext_lazy("已公布结果的技能比武"), "count", competitions_published
    ),
    "certificates_issued": Metric(
        gettext_lazy("本年度颁发的统一格式证书"), "count", certificates_issued
    ),
    "assessments_concluded": Metric(
        gettext_lazy("按统一评审准则完成的评审"), "count", assessments_concluded
    ),
    "double_random_batches": Metric(gettext_lazy("双随机抽查批次"), "count", double_random_batches),
}


def metric_choices() -> list[tuple[str, str]]:
    return [(key, str(metric.label)) for key, metric in METRICS.items()]


def compute(key: str, year: int, today: date | None = None) -> MetricValue:
    metric = METRICS.get(key)
    if metric is None:
        return MetricValue(False, detail=_("未设置进度指标"))
    return metric.compute(year, today or timezone.localdate())
