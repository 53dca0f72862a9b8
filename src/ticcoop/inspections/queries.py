"""Reads of the inspections app and its ``access_*`` / ``may_*`` checks.

Visibility of joint tasks: the lead and participating regions' users and the team see a task;
national observers and superusers read all; everybody else gets 404 (not 403: the task's very
existence is not public).  Findings: the inspecting and inspected regions' regulators, the team,
the inspected institution's users and observers; others only see the anonymised case library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import can_write_region, has_role, region_id_of_user
from ticcoop.accounts.roles import Role
from ticcoop.inspections.models import (
    Campaign,
    CampaignTarget,
    Finding,
    FindingStatus,
    JointTask,
)
from ticcoop.inspections.models.campaigns import OPEN_FINDING_STATUSES
from ticcoop.registry.models import Expert
from ticcoop.registry.queries import institution_of_user as institution_of

# --------------------------------------------------------------------------- who is who


def reads_everything(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or has_role(user, Role.NATIONAL_OBSERVER))
    )


def expert_of(user: Any) -> Expert | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        expert: Expert = user.expert
    except (ObjectDoesNotExist, AttributeError):
        return None
    return expert


def regulator_region_id(user: Any) -> int | None:
    """The region a regulator acts for (None for everybody else)."""
    if getattr(user, "is_authenticated", False) and has_role(user, Role.REGULATOR):
        return region_id_of_user(user)
    return None


# --------------------------------------------------------------------------- campaigns


def may_manage_campaign(user: Any, campaign: Campaign) -> bool:
    return can_write_region(user, campaign.organiser_id)


def access_campaign_manage(user: Any, campaign: Campaign) -> None:
    if not may_manage_campaign(user, campaign):
        raise PermissionDenied(_("只有牵头地区的监管人员可以管理本次交叉互查"))


def is_team_member(user: Any, target: CampaignTarget) -> bool:
    expert = expert_of(user)
    return expert is not None and target.team.filter(expert=expert).exists()


def may_inspect(user: Any, target: CampaignTarget) -> bool:
    """The target's inspection team, or a regulator of the inspecting region."""
    return can_write_region(user, target.pair.inspecting_id) or is_team_member(user, target)


def access_inspect(user: Any, target: CampaignTarget) -> None:
    if not may_inspect(user, target):
        raise PermissionDenied(_("只有本对象的检查组成员或检查方地区监管人员可以操作"))


def may_rectify(user: Any, finding: Finding) -> bool:
    institution = institution_of(user)
    return institution is not None and institution.pk == finding.target.institution_id


def may_see_finding(user: Any, finding: Finding) -> bool:
    if reads_everything(user):
        return True
    pair = finding.target.pair
    if regulator_region_id(user) in (pair.inspecting_id, pair.inspected_id):
        return True
    return may_rectify(user, finding) or is_team_member(user, finding.target)


def access_finding(user: Any, finding: Finding) -> Finding:
    if not may_see_finding(user, finding):
        raise Http404(_("没有这个问题"))
    return finding


def visible_findings(user: Any) -> QuerySet[Finding]:
    findings = Finding.objects.select_related(
        "target__institution", "target__pair__inspecting", "target__pair__inspected", "clause"
    )
    if reads_everything(user):
        return findings
    condition = Q(pk__in=[])
    region_id = regulator_region_id(user)
    if region_id is not None:
        condition |= Q(target__pair__inspecting_id=region_id)
        condition |= Q(target__pair__inspected_id=region_id)
    institution = institution_of(user)
    if institution is not None:
        condition |= Q(target__institution=institution)
    expert = expert_of(user)
    if expert is not None:
        condition |= Q(target__team__expert=expert)
    return findings.filter(condition).distinct()


def overdue(findings: QuerySet[Finding], today: date | None = None) -> QuerySet[Finding]:
    day = today or timezone.localdate()
    return findings.filter(status__in=OPEN_FINDING_STATUSES, deadline__lt=day)


# --------------------------------------------------------------------------- joint tasks


def joint_task_region_ids(task: JointTask) -> set[int]:
    return {task.lead_region_id, *task.participants.values_list("region_id", flat=True)}


def may_see_joint_task(user: Any, task: JointTask) -> bool:
    if reads_everything(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    region_id = regulator_region_id(user)
    if region_id is not None and region_id in joint_task_region_ids(task):
        return True
    expert = expert_of(user)
    return expert is not None and task.members.filter(expert=expert).exists()


def access_joint_task(user: Any, task: JointTask) -> JointTask:
    """404 for everybody who does not take part (and is not an observer)."""
    if not may_see_joint_task(user, task):
        raise Http404(_("没有这个联合检查任务"))
    return task


def visible_joint_tasks(user: Any) -> QuerySet[JointTask]:
    tasks = JointTask.objects.select_related("lead_region", "institution")
    if reads_everything(user):
        return tasks
    condition = Q(pk__in=[])
    region_id = regulator_region_id(user)
    if region_id is not None:
        condition |= Q(lead_region_id=region_id) | Q(participants__region_id=region_id)
    expert = expert_of(user)
    if expert is not None:
        condition |= Q(members__expert=expert)
    return tasks.filter(condition).distinct()


def may_lead_joint_task(user: Any, task: JointTask) -> bool:
    return can_write_region(user, task.lead_region_id)


def may_contribute_to_joint_task(user: Any, task: JointTask) -> bool:
    """Participating regions' regulators and the team may add notes and files."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    region_id = regulator_region_id(user)
    if region_id is not None and region_id in joint_task_region_ids(task):
        return True
    expert = expert_of(user)
    return expert is not None and task.members.filter(expert=expert).exists()


# --------------------------------------------------------------------------- case library


@dataclass(frozen=True)
class Case:
    """One finding as the case library shows it (anonymised unless published)."""

    pk: int
    year: int
    clause_number: str
    clause_title: str
    severity: str
    field: str
    region: str
    institution: str
    credit_code: str
    description: str
    status: str


def case_library(
    text: str = "", clause: str = "", field: str = "", region: str = ""
) -> QuerySet[Finding]:
    findings = Finding.objects.select_related(
        "clause", "target__institution", "target__pair__inspected", "target__pair__campaign"
    ).order_by("-target__pair__campaign__year", "clause__number", "pk")
    if text:
        findings = findings.filter(description__icontains=text)
    if clause:
        findings = findings.filter(clause__number=clause)
    if field:
        findings = findings.filter(field=field)
    if region:
        findings = findings.filter(target__pair__inspected__code=region)
    return findings


def as_case(finding: Finding) -> Case:
    institution = finding.target.institution
    hidden = _("（已隐去）")
    return Case(
        pk=finding.pk,
        year=finding.target.pair.campaign.year,
        clause_number=finding.clause.number,
        clause_title=finding.clause.title,
        severity=finding.get_severity_display(),
        field=finding.field,
        region=finding.target.pair.inspected.short_name,
        institution=institution.name if finding.published else hidden,
        credit_code=institution.credit_code if finding.published else hidden,
        description=finding.description,
        status=finding.get_status_display(),
    )


def problem_counts(findings: QuerySet[Finding] | None = None) -> list[dict[str, Any]]:
    """Most frequent problems: per clause, the count in each inspected region and in total."""
    rows = (
        (findings if findings is not None else Finding.objects.all())
        .values("clause__number", "clause__title", "target__pair__inspected__code")
        .annotate(n=Count("pk"))
    )
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = table.setdefault(
            row["clause__number"],
            {"number": row["clause__number"], "title": row["clause__title"], "by_region": {}},
        )
        entry["by_region"][row["target__pair__inspected__code"]] = row["n"]
    for entry in table.values():
        entry["total"] = sum(entry["by_region"].values())
    return sorted(table.values(), key=lambda e: (-e["total"], e["number"]))


def findings_of_campaign(campaign: Campaign) -> QuerySet[Finding]:
    return Finding.objects.filter(target__pair__campaign=campaign)


def finding_status_counts(findings: QuerySet[Finding]) -> dict[str, int]:
    counts = {status.value: 0 for status in FindingStatus}
    for row in findings.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts
