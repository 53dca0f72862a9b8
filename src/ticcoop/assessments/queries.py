"""Reads of the assessment app and its ``access_*`` checks."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import has_role, is_staff_reader, region_id_of_user
from ticcoop.accounts.roles import Role
from ticcoop.assessments.models import (
    OPEN_NC_STATUSES,
    PASSING_CONCLUSIONS,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CatalogueStatus,
    CriteriaCatalogue,
    CriteriaClause,
    Nonconformity,
    NonconformityStatus,
    Severity,
)
from ticcoop.registry.models import Expert
from ticcoop.registry.queries import institution_of_user


def assessment_allows_issue(assessment: Assessment) -> str | None:
    """None when ``assessment`` permits an initial certificate issue, else the reason (Chinese).

    Permits: an initial assessment (首次评审), concluded 符合 or 基本符合, with no open major
    nonconformity (严重不符合项).
    """
    if assessment.kind != AssessmentKind.INITIAL:
        return _("该评审不是首次评审（%(kind)s），不能据此首次发证") % {
            "kind": assessment.get_kind_display()
        }
    if assessment.status != AssessmentStatus.CONCLUDED:
        return _("评审尚未结束（当前状态：%(status)s）") % {
            "status": assessment.get_status_display()
        }
    if assessment.conclusion not in PASSING_CONCLUSIONS:
        return _("评审结论为“%(conclusion)s”，未通过评审") % {
            "conclusion": assessment.get_conclusion_display() or _("无")
        }
    majors = list(
        open_nonconformities(assessment)
        .filter(severity=Severity.MAJOR)
        .values_list("clause__number", flat=True)
    )
    if majors:
        return _("存在未关闭的严重不符合项（条款 %(clauses)s）") % {"clauses": "、".join(majors)}
    return None


def open_nonconformities(assessment: Assessment) -> QuerySet[Nonconformity]:
    return assessment.nonconformities.filter(status__in=OPEN_NC_STATUSES)


def published_catalogues() -> QuerySet[CriteriaCatalogue]:
    return CriteriaCatalogue.objects.filter(status=CatalogueStatus.PUBLISHED)


def current_catalogue(code: str | None = None) -> CriteriaCatalogue | None:
    catalogues = published_catalogues()
    if code:
        catalogues = catalogues.filter(code=code)
    return catalogues.order_by("-published_at", "-version").first()


def clauses_of(catalogue: CriteriaCatalogue) -> QuerySet[CriteriaClause]:
    return (
        CriteriaClause.objects.filter(element__catalogue=catalogue)
        .select_related("element")
        .order_by("element__number", "position", "number")
    )


# --- who sees what ------------------------------------------------------------------------------


def readable_assessments(user: Any) -> QuerySet[Assessment]:
    assessments = Assessment.objects.select_related("institution__region", "catalogue")
    if is_staff_reader(user):
        return assessments
    if not getattr(user, "is_authenticated", False):
        return assessments.none()
    institution = institution_of_user(user)
    # Institution users see their own; assessors with an account the assessments they are on.
    mine = Q(members__expert__user=user)
    if institution is not None:
        mine |= Q(institution=institution)
    return assessments.filter(mine).distinct()


def readable_nonconformities(user: Any) -> QuerySet[Nonconformity]:
    ncs = Nonconformity.objects.select_related("assessment__institution__region", "clause__element")
    if is_staff_reader(user):
        return ncs
    return ncs.filter(assessment__in=readable_assessments(user).values("pk"))


def access_assessment_read(user: Any, assessment: Assessment) -> None:
    if not readable_assessments(user).filter(pk=assessment.pk).exists():
        raise PermissionDenied(_("无权查看该评审"))


def access_nonconformity_read(user: Any, nc: Nonconformity) -> None:
    if not readable_nonconformities(user).filter(pk=nc.pk).exists():
        raise PermissionDenied(_("无权查看该不符合项"))


def access_rectification_submit(user: Any, nc: Nonconformity) -> None:
    """Only a user of the assessed institution submits its rectification evidence."""
    institution = institution_of_user(user)
    if institution is None or institution.pk != nc.assessment.institution_id:
        raise PermissionDenied(_("只有被评审机构的用户可以提交整改材料"))


def overdue_nonconformities(user: Any, today: date | None = None) -> QuerySet[Nonconformity]:
    """Rectifications past their deadline and not closed, in the regulator's own region.

    Superusers see every region's; other users see none.
    """
    today = today or timezone.localdate()
    ncs = Nonconformity.objects.select_related("assessment__institution__region", "clause").filter(
        status__in=OPEN_NC_STATUSES, deadline__lt=today
    )
    if getattr(user, "is_superuser", False):
        return ncs
    region_id = region_id_of_user(user)
    if not has_role(user, Role.REGULATOR) or region_id is None:
        return ncs.none()
    return ncs.filter(assessment__institution__region_id=region_id)


def is_overdue(nc: Nonconformity, today: date | None = None) -> bool:
    return nc.status != NonconformityStatus.CLOSED and nc.deadline < (today or timezone.localdate())


# --- the shared pool ----------------------------------------------------------------------------


def search_experts(
    text: str = "",
    specialty: str = "",
    region_code: str = "",
    assessors_only: bool = False,
    *,
    with_ties: bool = False,
) -> QuerySet[Expert]:
    """The pool; ``with_ties`` (regulators, observers) also searches and loads employers and
    declared ties — for anyone else a search by employer would reveal where people work."""
    experts = Expert.objects.select_related("region")
    if with_ties:
        experts = experts.select_related("employer").prefetch_related("ties__institution")
    if text and with_ties:
        experts = experts.filter(Q(name__icontains=text) | Q(employer_name__icontains=text))
    elif text:
        experts = experts.filter(name__icontains=text)
    if specialty:
        experts = experts.filter(specialties__icontains=specialty)
    if region_code:
        experts = experts.filter(region__code=region_code)
    if assessors_only:
        experts = experts.filter(is_assessor=True)
    return experts.order_by("region__code", "name", "pk")
