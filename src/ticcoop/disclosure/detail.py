"""The region page's work lists: what is overdue or expiring in one region (login required).

Unlike ``dashboard.py`` these lists name institutions, so only the region's regulators,
national observers and superusers see them (``queries.access_dashboard_region``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ticcoop.assessments.models import OPEN_NC_STATUSES, Nonconformity
from ticcoop.certificates.models import Certificate, CertificateStatus
from ticcoop.certificates.validity import add_months
from ticcoop.disclosure.dashboard import EXPIRY_WINDOW_MONTHS
from ticcoop.inspections import queries as inspections
from ticcoop.inspections.models import Finding
from ticcoop.proficiency import queries as proficiency
from ticcoop.proficiency.models import CorrectiveAction
from ticcoop.regions.models import Region
from ticcoop.supervision import queries as supervision

LIMIT = 20


@dataclass
class WorkList:
    key: str
    title: Any
    headers: list[Any]
    rows: list[list[str]]
    total: int
    links: list[str]  # per row: the record's page (the first cell links there)

    @property
    def linked_rows(self) -> list[tuple[str, list[str]]]:
        return list(zip(self.links, self.rows, strict=True))


def _work_list(
    key: str, title: Any, headers: list[Any], queryset: QuerySet[Any], row: Any, link: Any
) -> WorkList:
    shown = list(queryset[:LIMIT])
    rows = [row(r) for r in shown]
    return WorkList(key, title, headers, rows, queryset.count(), [link(r) for r in shown])


def region_lists(region: Region, today: date) -> list[WorkList]:
    horizon = add_months(today, EXPIRY_WINDOW_MONTHS)
    expiring = (
        Certificate.objects.filter(
            issuing_region=region,
            status=CertificateStatus.VALID,
            expiry_date__range=(today, horizon),
        )
        .select_related("institution")
        .order_by("expiry_date", "number")
    )
    ncs = (
        Nonconformity.objects.filter(
            assessment__institution__region=region,
            status__in=OPEN_NC_STATUSES,
            deadline__lt=today,
        )
        .select_related("assessment__institution", "clause")
        .order_by("deadline", "pk")
    )
    actions = (
        proficiency.overdue_actions(CorrectiveAction.objects.filter(institution__region=region))
        .select_related("institution", "round", "measurand")
        .order_by("due_date", "pk")
    )
    results = supervision.overdue_results(region.pk, today).order_by("publication_deadline", "pk")
    findings = (
        inspections.overdue(Finding.objects.filter(target__institution__region=region), today)
        .select_related("target__institution", "clause")
        .order_by("deadline", "pk")
    )
    return [
        _work_list(
            "expiring",
            _("6个月内到期的证书"),
            [_("证书编号"), _("机构"), _("有效期至")],
            expiring,
            lambda c: [c.number, c.institution.name, c.expiry_date.isoformat()],
            lambda c: reverse("certificates-detail", args=[c.number]),
        ),
        _work_list(
            "nonconformities",
            _("逾期未整改的评审不符合项"),
            [_("机构"), _("条款"), _("整改期限")],
            ncs,
            lambda n: [n.assessment.institution.name, n.clause.number, n.deadline.isoformat()],
            lambda n: reverse("assessments-nc-detail", args=[n.pk]),
        ),
        _work_list(
            "pt_actions",
            _("逾期未答复的能力验证整改"),
            [_("机构"), _("轮次"), _("测量项目"), _("答复期限")],
            actions,
            lambda a: [a.institution.name, a.round.code, a.measurand.name, a.due_date.isoformat()],
            lambda a: reverse("pt-action-detail", args=[a.pk]),
        ),
        _work_list(
            "results",
            _("逾期未公示的抽查结果"),
            [_("检查对象"), _("批次"), _("公示期限")],
            results,
            lambda r: [r.task.target_name, r.task.batch.code, r.publication_deadline.isoformat()],
            lambda r: reverse("supervision-task", args=[r.task_id]),
        ),
        _work_list(
            "findings",
            _("逾期未整改的互查问题"),
            [_("机构"), _("条款"), _("整改截止日")],
            findings,
            lambda f: [f.target.institution.name, f.clause.number, f.deadline.isoformat()],
            lambda f: reverse("inspections-finding", args=[f.pk]),
        ),
    ]
