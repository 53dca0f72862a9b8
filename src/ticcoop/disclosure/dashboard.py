"""监管有数: per-region figures of every app, computed with grouped aggregate queries.

Each ``*_table`` function runs one or two ``GROUP BY region`` queries over another app's
models (read only; through that app's ``queries.py`` where a reusable query exists) and
returns a :class:`Table` with one row per region.  Only aggregates leave this module: no
names, participant codes or other row-level data (the region page adds its own lists, see
``detail.py``).

Periods: "flow" figures (assessments, published PT rounds, draws, competitions) count the
selected calendar year; "stock" figures (institutions, certificates, open and overdue items)
are the state today.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticcoop.assessments.models import (
    OPEN_NC_STATUSES,
    PASSING_CONCLUSIONS,
    Assessment,
    AssessmentStatus,
    Nonconformity,
)
from ticcoop.certificates.models import LIVE_STATUSES, Certificate, CertificateStatus
from ticcoop.certificates.validity import add_months
from ticcoop.competitions.models import Competition, CompetitionStatus
from ticcoop.inspections import queries as inspections
from ticcoop.inspections.models import Finding, FindingStatus
from ticcoop.proficiency import queries as proficiency
from ticcoop.proficiency.models import CorrectiveAction, Performance, Round, RoundStatus, Score
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution, InstitutionStatus, RiskClass
from ticcoop.supervision import queries as supervision
from ticcoop.supervision.models import Draw, Task, TaskResult, TaskStatus

EXPIRY_WINDOW_MONTHS = 6
MIN_YEAR, MAX_YEAR = 2000, 2100  # the plausible range of the ``year`` parameter
Value = int | float | None


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy translation
    kind: str = "count"  # "count" or "share" (a fraction in [0, 1], None when undefined)


@dataclass
class Table:
    key: str
    title: Any
    period: Any
    columns: list[Column]
    chart: list[str]  # keys of the columns drawn as bar charts
    values: dict[str, dict[str, Value]] = field(default_factory=dict)  # region code → key → value
    stacked: list[str] = field(default_factory=list)  # columns drawn as one stacked bar
    stacked_title: Any = ""


@dataclass
class Dashboard:
    year: int
    today: date
    generated_at: datetime
    regions: list[Region]
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _grouped(queryset: QuerySet[Any], path: str, **aggregates: Any) -> dict[Any, dict[str, Any]]:
    """``{region_id: {name: value}}`` from one GROUP BY query (a few rows: one per region)."""
    rows = queryset.order_by().values(path).annotate(**aggregates)
    return {row[path]: row for row in rows}


def _counts(queryset: QuerySet[Any], path: str, **conditions: Q) -> dict[Any, dict[str, Any]]:
    aggregates = {name: Count("pk", filter=q, distinct=True) for name, q in conditions.items()}
    return _grouped(queryset, path, **aggregates)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


ALL = Q(pk__isnull=False)


def _fill(table: Table, regions: list[Region], found: dict[Any, dict[str, Any]]) -> Table:
    for region in regions:
        row = found.get(region.pk, {})
        table.values[region.code] = {c.key: row.get(c.key, 0) for c in table.columns}
    return table


def institutions_table(regions: list[Region], year: int, today: date) -> Table:
    statuses = [Column(s.value, s.label) for s in InstitutionStatus]
    risks = [Column(f"risk_{r.value}", r.label) for r in RiskClass]
    table = Table(
        "institutions",
        _("检验检测机构"),
        _("当前"),
        [Column("total", _("机构总数")), *statuses, *risks],
        ["total", InstitutionStatus.SUSPENDED.value],
        stacked=[c.key for c in risks],
        stacked_title=_("信用风险分类构成"),
    )
    conditions = {"total": ALL}
    conditions |= {s.value: Q(status=s) for s in InstitutionStatus}
    conditions |= {f"risk_{r.value}": Q(risk_class=r) for r in RiskClass}
    return _fill(table, regions, _counts(Institution.objects.all(), "region_id", **conditions))


def certificates_table(regions: list[Region], year: int, today: date) -> Table:
    """By issuing region (certificates of the national authority are not in a region row)."""
    horizon = add_months(today, EXPIRY_WINDOW_MONTHS)
    table = Table(
        "certificates",
        _("资质认定证书（按发证地区）"),
        _("当前"),
        [
            *[Column(s.value, s.label) for s in CertificateStatus],
            Column("expiring", _("6个月内到期")),
        ],
        [CertificateStatus.VALID.value, "expiring", CertificateStatus.EXPIRED.value],
    )
    live = {"expiry_date__gte": today}
    conditions = {
        CertificateStatus.VALID.value: Q(status=CertificateStatus.VALID, **live),
        CertificateStatus.SUSPENDED.value: Q(status=CertificateStatus.SUSPENDED, **live),
        CertificateStatus.REVOKED.value: Q(status=CertificateStatus.REVOKED),
        CertificateStatus.EXPIRED.value: Q(status__in=LIVE_STATUSES, expiry_date__lt=today),
        CertificateStatus.CANCELLED.value: Q(status=CertificateStatus.CANCELLED),
        "expiring": Q(status=CertificateStatus.VALID, expiry_date__range=(today, horizon)),
    }
    found = _counts(Certificate.objects.all(), "issuing_region_id", **conditions)
    return _fill(table, regions, found)


def assessments_table(regions: list[Region], year: int, today: date) -> Table:
    table = Table(
        "assessments",
        _("资质认定评审"),
        _("评审：所选年度；不符合项：当前"),
        [
            Column("planned", _("年度评审")),
            Column("concluded", _("已结束")),
            Column("passed", _("通过")),
            Column("nc_open", _("未关闭不符合项")),
            Column("nc_overdue", _("逾期未整改")),
        ],
        ["planned", "nc_open", "nc_overdue"],
    )
    concluded = Q(status=AssessmentStatus.CONCLUDED)
    found = _counts(
        Assessment.objects.filter(planned_date__year=year),
        "institution__region_id",
        planned=ALL,
        concluded=concluded,
        passed=concluded & Q(conclusion__in=PASSING_CONCLUSIONS),
    )
    open_ = Q(status__in=OPEN_NC_STATUSES)
    ncs = _counts(
        Nonconformity.objects.all(),
        "assessment__institution__region_id",
        nc_open=open_,
        nc_overdue=open_ & Q(deadline__lt=today),
    )
    for region_id, row in ncs.items():
        found.setdefault(region_id, {}).update(row)
    return _fill(table, regions, found)


PT_PERFORMANCE = (Performance.SATISFACTORY, Performance.QUESTIONABLE, Performance.UNSATISFACTORY)


def proficiency_table(regions: list[Region], year: int, today: date) -> Table:
    """Rounds by organising region; results and corrective actions by the institution's region."""
    shares = [Column(f"share_{p.value}", p.label, "share") for p in PT_PERFORMANCE]
    table = Table(
        "proficiency",
        _("能力验证"),
        _("轮次与结果：所选年度发布；整改：当前"),
        [
            Column("rounds_published", _("发布报告的轮次")),
            Column("scores", _("评价结果数")),
            *shares,
            Column("actions_open", _("未关闭整改")),
            Column("actions_overdue", _("逾期未答复整改")),
        ],
        ["rounds_published", "actions_open", "actions_overdue"],
        stacked=[c.key for c in shares],
        stacked_title=_("能力评价结果构成"),
    )
    found = _counts(
        Round.objects.filter(status=RoundStatus.PUBLISHED, published_at__year=year),
        "scheme__organising_region_id",
        rounds_published=ALL,
    )
    scores = _counts(
        Score.objects.filter(
            evaluation__run__published_at__year=year, performance__in=PT_PERFORMANCE
        ),
        "participant__institution__region_id",
        scores=ALL,
        **{p.value: Q(performance=p) for p in PT_PERFORMANCE},
    )
    actions = CorrectiveAction.objects.all()
    opened = _counts(proficiency.open_actions(actions), "institution__region_id", actions_open=ALL)
    late = _counts(
        proficiency.overdue_actions(actions), "institution__region_id", actions_overdue=ALL
    )
    for part in (scores, opened, late):
        for region_id, row in part.items():
            found.setdefault(region_id, {}).update(row)
    for row in found.values():
        for p in PT_PERFORMANCE:
            row[f"share_{p.value}"] = _share(row.get(p.value, 0), row.get("scores", 0))
    _fill(table, regions, found)
    for values in table.values.values():  # no scores: the shares are undefined
        if not values["scores"]:
            values.update({column.key: None for column in shares})
    return table


def supervision_table(regions: list[Region], year: int, today: date) -> Table:
    """Batches by leading region; tasks and results by the responsible region."""
    table = Table(
        "supervision",
        _("双随机抽查"),
        _("抽取与公示：所选年度；逾期未公示：当前"),
        [
            Column("batches_drawn", _("抽取批次")),
            Column("tasks", _("检查任务")),
            Column("tasks_done", _("已检查")),
            Column("results_on_time", _("按期公示结果")),
            Column("results_late", _("逾期公示结果")),
            Column("results_overdue", _("逾期未公示")),
        ],
        ["batches_drawn", "tasks", "results_on_time", "results_overdue"],
    )
    found = _counts(
        Draw.objects.filter(published_at__year=year), "batch__plan__region_id", batches_drawn=ALL
    )
    tasks = _counts(
        Task.objects.filter(batch__draw__published_at__year=year).exclude(
            status=TaskStatus.SUPERSEDED
        ),
        "region_id",
        tasks=ALL,
        tasks_done=Q(status=TaskStatus.DONE),
    )
    published = _counts(
        TaskResult.objects.filter(published_at__year=year),
        "task__region_id",
        results_on_time=Q(published_at__date__lte=F("publication_deadline")),
        results_late=Q(published_at__date__gt=F("publication_deadline")),
    )
    overdue = _counts(
        supervision.overdue_results(None, today), "task__region_id", results_overdue=ALL
    )
    for part in (tasks, published, overdue):
        for region_id, row in part.items():
            found.setdefault(region_id, {}).update(row)
    return _fill(table, regions, found)


def inspections_table(regions: list[Region], year: int, today: date) -> Table:
    """Cross-inspection findings by the region of the inspected institution (all campaigns)."""
    table = Table(
        "inspections",
        _("交叉互查问题整改"),
        _("当前（全部互查）"),
        [
            Column("findings", _("发现问题")),
            Column("open", _("未完成整改")),
            Column("overdue", _("逾期未整改")),
            Column("accepted", _("整改已通过")),
            Column("rectification_rate", _("整改完成率"), "share"),
        ],
        ["findings", "open", "overdue"],
    )
    findings = Finding.objects.all()
    path = "target__institution__region_id"
    accepted = Q(status=FindingStatus.ACCEPTED)
    found = _counts(findings, path, findings=ALL, open=~accepted, accepted=accepted)
    for region_id, row in _counts(inspections.overdue(findings, today), path, overdue=ALL).items():
        found.setdefault(region_id, {}).update(row)
    for row in found.values():
        row["rectification_rate"] = _share(row.get("accepted", 0), row.get("findings", 0))
    _fill(table, regions, found)
    for values in table.values.values():
        if not values["findings"]:
            values["rectification_rate"] = None
    return table


def competitions_table(regions: list[Region], year: int, today: date) -> Table:
    table = Table(
        "competitions",
        _("技能比武"),
        _("所选年度"),
        [Column("held", _("举办（已发布）")), Column("results_published", _("已公布结果"))],
        ["held"],
    )
    found = _counts(
        Competition.objects.filter(year=year).exclude(status=CompetitionStatus.DRAFT),
        "organiser_region_id",
        held=ALL,
        results_published=Q(status=CompetitionStatus.RESULTS_PUBLISHED),
    )
    return _fill(table, regions, found)


TABLES: dict[str, Callable[[list[Region], int, date], Table]] = {
    "institutions": institutions_table,
    "certificates": certificates_table,
    "assessments": assessments_table,
    "proficiency": proficiency_table,
    "supervision": supervision_table,
    "inspections": inspections_table,
    "competitions": competitions_table,
}


def regions() -> list[Region]:
    return list(Region.objects.filter(is_active=True).order_by("code"))


def build(
    year: int | None = None, only: list[Region] | None = None, keys: list[str] | None = None
) -> Dashboard:
    """The figures of ``year`` (default this year) for ``only`` (default every active region)."""
    today = timezone.localdate()
    chosen = only if only is not None else regions()
    year = year or today.year
    tables = [make(chosen, year, today) for key, make in TABLES.items() if not keys or key in keys]
    return Dashboard(year, today, timezone.localtime(), chosen, tables)
