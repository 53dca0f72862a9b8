"""我的工作台: what is waiting for the logged-in user, what is overdue, their recent records.

Each role's sections are built from the owning app's own queries (the same ones its list pages
use), so a count here and the list behind its link always agree. A user with several roles (a
regulator who is also an assessor) gets the sections of each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import has_role, region_id_of_user
from ticcoop.accounts.roles import ROLE_LABELS, Role
from ticcoop.assessments import queries as assessments
from ticcoop.assessments.models import OPEN_NC_STATUSES
from ticcoop.certificates import queries as certificates
from ticcoop.competitions import queries as competitions
from ticcoop.competitions.models import Contestant
from ticcoop.inspections import queries as inspections
from ticcoop.inspections.models.campaigns import OPEN_FINDING_STATUSES, CampaignTarget
from ticcoop.proficiency import queries as proficiency
from ticcoop.proficiency.models import Participant, RoundStatus
from ticcoop.registry.queries import institution_of_user
from ticcoop.supervision import queries as supervision

SHOWN = 5  # entries per section; the section links to the full list


@dataclass(frozen=True)
class Entry:
    label: str
    url: str
    note: str = ""
    overdue: bool = False


@dataclass
class Section:
    key: str
    title: str
    kind: str  # "waiting", "overdue" or "recent": the page groups sections by kind
    entries: list[Entry] = field(default_factory=list)
    total: int = 0
    more_url: str = ""
    empty: str = ""


def _section(
    key: str,
    title: str,
    kind: str,
    rows: QuerySet[Any],
    entry: Callable[[Any], Entry],
    more_url: str = "",
    empty: str = "",
) -> Section:
    total = rows.count()
    entries = [entry(row) for row in rows[:SHOWN]] if total else []
    return Section(key, title, kind, entries, total, more_url, empty or _("暂无。"))


def _day(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value).date()
    return str(value.isoformat())


def _nc_entry(nc: Any) -> Entry:
    return Entry(
        f"{nc.assessment.institution.name} · {nc}",
        reverse("assessments-nc-detail", args=[nc.pk]),
        _("整改期限 %(day)s") % {"day": _day(nc.deadline)},
        assessments.is_overdue(nc),
    )


def _finding_entry(finding: Any) -> Entry:
    return Entry(
        f"{finding.target.institution.name} · {finding}",
        reverse("inspections-finding", args=[finding.pk]),
        _("整改期限 %(day)s") % {"day": _day(finding.deadline)} if finding.deadline else "",
        bool(finding.deadline and finding.deadline < timezone.localdate()),
    )


def _action_entry(action: Any) -> Entry:
    return Entry(
        str(action),
        reverse("pt-action-detail", args=[action.pk]),
        _("期限 %(day)s") % {"day": _day(action.due_date)},
        action.due_date < timezone.localdate(),
    )


def _assessment_entry(assessment: Any) -> Entry:
    url = reverse("assessments-detail", args=[assessment.pk])
    return Entry(str(assessment), url, str(assessment.get_status_display()))


def _task_entry(task: Any) -> Entry:
    return Entry(
        f"{task.batch.plan.title} · {task.target_name or task.target_code}",
        reverse("supervision-task", args=[task.pk]),
        str(task.get_status_display()),
    )


def regulator_sections(user: Any) -> list[Section]:
    """Regulators (their region) and superusers (every region)."""
    region_id = region_id_of_user(user)
    pending_batches = supervision.pending_batches(user)
    open_tasks = supervision.tasks_for(user).exclude(status__in=supervision.CLOSED_TASKS)
    if not user.is_superuser and region_id is not None:
        open_tasks = open_tasks.filter(region_id=region_id)
    overdue_results = supervision.overdue_results(None if user.is_superuser else region_id)
    actions = proficiency.actions_for(user)
    return [
        _section(
            "issue",
            _("待发证的评审"),
            "waiting",
            certificates.assessments_awaiting_issue(user),
            lambda a: Entry(str(a), reverse("certificates-issue", args=[a.pk]), _day(a.onsite_end)),
            reverse("certificates-issue-list"),
        ),
        _section(
            "batches",
            _("待冻结名录或摇号的抽查批次"),
            "waiting",
            pending_batches,
            lambda b: Entry(
                f"{b.plan.title} · {b.period}",
                reverse("supervision-batch", args=[b.pk]),
                _("%(status)s，计划日期 %(day)s")
                % {"status": b.get_status_display(), "day": _day(b.due_on)},
            ),
            reverse("supervision-plans"),
        ),
        _section(
            "tasks",
            _("待检查的双随机任务"),
            "waiting",
            open_tasks,
            _task_entry,
            reverse("supervision-tasks"),
        ),
        _section(
            "nc-overdue",
            _("逾期未完成的评审整改"),
            "overdue",
            assessments.overdue_nonconformities(user),
            _nc_entry,
            reverse("assessments-overdue"),
        ),
        _section(
            "results-overdue",
            _("逾期未公示的抽查结果"),
            "overdue",
            overdue_results,  # its batch and plan selected (without the batch's files)
            lambda r: Entry(
                f"{r.task.batch.plan.title} · {r.task.target_name or r.task.target_code}",
                reverse("supervision-task", args=[r.task_id]),
            ),
            reverse("supervision-overdue"),
        ),
        _section(
            "pt-overdue",
            _("逾期未答复的能力验证整改"),
            "overdue",
            proficiency.overdue_actions(actions),
            _action_entry,
            reverse("pt-action-list"),
        ),
        _section(
            "findings-overdue",
            _("逾期未整改的交叉互查问题"),
            "overdue",
            inspections.overdue(inspections.visible_findings(user)),
            _finding_entry,
            reverse("inspections-findings"),
        ),
        _section(
            "assessments",
            _("最近的评审"),
            "recent",
            _in_region(assessments.readable_assessments(user), region_id, user).order_by("-pk"),
            lambda a: Entry(
                str(a), reverse("assessments-detail", args=[a.pk]), a.get_status_display()
            ),
            reverse("assessments-list"),
        ),
    ]


def _in_region(rows: QuerySet[Any], region_id: int | None, user: Any) -> QuerySet[Any]:
    if user.is_superuser or region_id is None:
        return rows
    return rows.filter(institution__region_id=region_id)


def observer_sections(user: Any) -> list[Section]:
    """The national observer reads every region: overdue work across regions, recent records."""
    return [
        _section(
            "nc-overdue-all",
            _("各地逾期未完成的评审整改"),
            "overdue",
            assessments.readable_nonconformities(user)
            .filter(status__in=OPEN_NC_STATUSES, deadline__lt=timezone.localdate())
            .order_by("deadline"),
            _nc_entry,
            reverse("assessments-nc-list"),
        ),
        _section(
            "findings-overdue",
            _("各地逾期未整改的交叉互查问题"),
            "overdue",
            inspections.overdue(inspections.visible_findings(user)),
            _finding_entry,
            reverse("inspections-findings"),
        ),
        _section(
            "results",
            _("最近公示的抽查结果"),
            "recent",
            supervision.published_results().order_by("-published_at"),
            lambda r: Entry(
                f"{r.task.batch.plan.title} · {r.task.target_name or r.task.target_code}",
                reverse("supervision-task", args=[r.task_id]),
                _day(r.published_at),
            ),
            reverse("disclosure-results"),
        ),
        _section(
            "assessments",
            _("最近的评审"),
            "recent",
            assessments.readable_assessments(user).order_by("-pk"),
            lambda a: Entry(
                str(a), reverse("assessments-detail", args=[a.pk]), a.get_status_display()
            ),
            reverse("assessments-list"),
        ),
    ]


def institution_sections(user: Any) -> list[Section]:
    institution = institution_of_user(user)
    if institution is None:
        return []
    open_ncs = (
        assessments.readable_nonconformities(user)
        .filter(status__in=OPEN_NC_STATUSES, assessment__institution=institution)
        .order_by("deadline")
    )
    submitting = (
        Participant.objects.filter(institution=institution, round__status=RoundStatus.DISPATCHED)
        .select_related("round")
        .order_by("round__results_due")
    )
    findings = inspections.visible_findings(user).filter(
        target__institution=institution, status__in=OPEN_FINDING_STATUSES
    )
    contestants = (
        Contestant.objects.filter(institution=institution)
        .select_related("competition")
        .order_by("-pk")
    )
    return [
        _section(
            "rectify",
            _("待提交的评审整改"),
            "waiting",
            open_ncs,
            _nc_entry,
            reverse("assessments-nc-list"),
        ),
        _section(
            "pt-submit",
            _("待提交结果的能力验证"),
            "waiting",
            submitting,
            lambda p: Entry(
                str(p.round),
                reverse("pt-round-submit", args=[p.round_id]),
                _("结果提交截止 %(day)s") % {"day": _day(p.round.results_due)},
                p.round.results_due < timezone.now(),
            ),
            reverse("pt-calendar"),
        ),
        _section(
            "pt-actions",
            _("待答复的能力验证整改"),
            "waiting",
            proficiency.open_actions(proficiency.actions_for(user)),
            _action_entry,
            reverse("pt-action-list"),
        ),
        _section(
            "findings",
            _("待整改的交叉互查问题"),
            "waiting",
            findings.order_by("deadline"),
            _finding_entry,
            reverse("inspections-findings"),
        ),
        _section(
            "certificates",
            _("本机构的证书"),
            "recent",
            certificates.certificates_of(institution.pk),
            lambda c: Entry(
                c.number,
                reverse("certificates-detail", args=[c.number]),
                _("%(status)s，有效期至 %(day)s")
                % {"status": c.effective_status_label(), "day": _day(c.expiry_date)},
            ),
            reverse("institution-detail", args=[institution.credit_code]),
        ),
        _section(
            "contestants",
            _("本机构的比武参赛人员"),
            "recent",
            contestants,
            lambda c: Entry(
                f"{c.person_name} · {c.competition.title}",
                reverse("competitions-contestant", args=[c.pk])
                if competitions.may_view_breakdown(user, c)
                else "",
                c.get_status_display(),
            ),
            reverse("competitions-list"),
        ),
    ]


def expert_sections(user: Any) -> list[Section]:
    """Inspectors, assessors and judges (an expert record linked to the login)."""
    sections = []
    judges = competitions.judges_of_user(user).order_by("-competition__year", "pk")
    if judges.exists():
        sections.append(
            _section(
                "judge-sheets",
                _("我的评分表"),
                "waiting",
                judges,
                lambda j: Entry(
                    f"{j.competition.title} · {j.discipline.name}",
                    reverse("competitions-judge-sheet", args=[j.pk]),
                    j.competition.get_status_display(),
                ),
                reverse("competitions-judging"),
            )
        )
    if supervision.inspector_of(user) is not None:
        sections.append(
            _section(
                "tasks",
                _("我参加的双随机检查任务"),
                "waiting",
                supervision.tasks_for(user).exclude(status__in=supervision.CLOSED_TASKS),
                _task_entry,
                reverse("supervision-tasks"),
            )
        )
    expert = inspections.expert_of(user)
    if expert is not None:
        targets = (
            CampaignTarget.objects.filter(team__expert=expert)
            .select_related("institution", "pair__campaign")
            .order_by("-pk")
            .distinct()
        )
        sections.append(
            _section(
                "targets",
                _("我参加的交叉互查"),
                "waiting",
                targets,
                lambda t: Entry(
                    f"{t.pair.campaign.title} · {t.institution.name}",
                    reverse("inspections-target", args=[t.pk]),
                ),
                reverse("inspections-index"),
            )
        )
        sections.append(
            _section(
                "assessments",
                _("我参加的评审"),
                "recent",
                assessments.readable_assessments(user).order_by("-pk"),
                _assessment_entry,
                reverse("assessments-list"),
            )
        )
    return sections


def role_names(user: Any) -> list[str]:
    names = [str(label) for role, label in ROLE_LABELS.items() if has_role(user, role)]
    if user.is_superuser:
        names.insert(0, _("平台管理员"))
    if not has_role(user, Role.INSPECTOR) and (
        competitions.judges_of_user(user).exists() or inspections.expert_of(user)
    ):
        names.append(str(ROLE_LABELS[Role.INSPECTOR]))
    return names


def sections_for(user: Any) -> list[Section]:
    sections: list[Section] = []
    if user.is_superuser or supervision.is_regulator(user):
        sections += regulator_sections(user)
    elif has_role(user, Role.NATIONAL_OBSERVER):
        sections += observer_sections(user)
    sections += institution_sections(user)
    sections += expert_sections(user)
    return _unique(sections)


def _unique(sections: Iterable[Section]) -> list[Section]:
    """A regulator who is also an expert would otherwise see "最近的评审" twice."""
    seen: set[str] = set()
    result = []
    for section in sections:
        if section.key not in seen:
            seen.add(section.key)
            result.append(section)
    return result
