"""Demo data: last year's finished cross inspection, this year's open one, two joint tasks,
last year's finished action plan and this year's plan in progress.

Dates are relative to today (``PLAN_ITEMS`` are written for a plan year ``BASE_YEAR`` and
shifted), so the story stays true whenever the demo is loaded: last year is finished with
realistic progress, this year is in progress, and no milestone a region would have met by
today is left open.

Draws go through the services (so the rotation, targets and teams are the real, verifiable
ones from a fixed seed); the institutions' answers are inserted directly (demo data are not
user actions, and the demo has one institution user per region only).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from ticcoop.accounts.demo import REGION_LOGIN_PREFIX, demo_password_hash, region_prefix
from ticcoop.assessments.models import CriteriaClause, Severity
from ticcoop.assessments.queries import current_catalogue
from ticcoop.inspections.metrics import METRICS, compute
from ticcoop.inspections.models import (
    ActionItem,
    ActionPlan,
    Campaign,
    CampaignTarget,
    Finding,
    FindingRectification,
    FindingStatus,
    JointTaskKind,
    Milestone,
    PlanArea,
    RectificationDecision,
)
from ticcoop.inspections.models.campaigns import OPEN_FINDING_STATUSES
from ticcoop.inspections.services import campaigns, findings, joint
from ticcoop.regions.models import Region
from ticcoop.registry.demo import create_lab_user
from ticcoop.registry.models import Expert

PLAN_TITLE = "{year}年京津冀及华北晋蒙省(自治区)检验检测认证区域合作行动计划"
BASE_YEAR = 2025  # the year PLAN_ITEMS' dates are written for
PROBLEMS = [
    ("原始记录未记录环境条件，无法复现检测过程", "食品"),
    ("部分设备检定证书过期仍在使用", "建设工程"),
    ("授权签字人超出授权范围签发报告", "环境"),
    ("内部审核未覆盖全部要素", "机动车"),
    ("方法变更后未重新进行方法验证", "食品"),
    ("样品流转记录不完整，唯一性标识缺失", "环境"),
    ("人员上岗前未经培训考核", "建设工程"),
    ("未按计划参加能力验证", "计量"),
]
# (number, title, area, lead, co-owners, deadline, metric, target, milestones)
PLAN_ITEMS = [
    (
        1,
        "推进资质认定证书一体化，五地互认统一格式证书",
        PlanArea.CERTIFICATES,
        "11",
        ["12", "13"],
        date(2025, 12, 31),
        "certificates_issued",
        50,
        [("统一证书格式", date(2025, 3, 31))],
    ),
    (
        2,
        "统一资质认定评审条件，按统一准则开展评审",
        PlanArea.ASSESSMENT,
        "12",
        ["11", "13", "14", "15"],
        date(2025, 12, 31),
        "assessments_concluded",
        20,
        [("发布统一评审准则", date(2025, 4, 30))],
    ),
    (
        3,
        "联合组织能力验证",
        PlanArea.PT,
        "13",
        ["14"],
        date(2025, 11, 30),
        "pt_rounds_completed",
        4,
        [("发布能力验证计划", date(2025, 3, 31)), ("公布结果", date(2025, 11, 30))],
    ),
    (
        4,
        "举办区域检验检测技能比武",
        PlanArea.COMPETITION,
        "14",
        ["11", "12", "13", "15"],
        date(2025, 10, 31),
        "competitions_published",
        1,
        [("发布竞赛方案", date(2025, 5, 31))],
    ),
    (
        5,
        "开展交叉互查",
        PlanArea.CROSS_INSPECTION,
        "11",
        ["12", "13", "14", "15"],
        date(2025, 11, 30),
        "cross_targets_inspected",
        None,
        [("抽取轮换与检查对象", date(2025, 4, 15)), ("完成现场检查", date(2025, 9, 30))],
    ),
    (
        6,
        "交叉互查问题按期整改",
        PlanArea.CROSS_INSPECTION,
        "11",
        [],
        date(2025, 12, 31),
        "cross_findings_on_time",
        None,
        [],
    ),
    (
        7,
        "开展跨区域联合检查",
        PlanArea.JOINT_INSPECTION,
        "15",
        ["11", "13"],
        date(2025, 12, 15),
        "joint_tasks_closed",
        None,
        [("确定联合检查对象", date(2025, 5, 31))],
    ),
    (
        8,
        "统一双随机、一公开抽查规则",
        PlanArea.DOUBLE_RANDOM,
        "13",
        ["11", "12", "14", "15"],
        date(2025, 9, 30),
        "double_random_batches",
        5,
        [("统一抽查事项清单", date(2025, 4, 30))],
    ),
]


def _regulator(region: Region) -> User:
    return User.objects.get(
        username=f"{REGION_LOGIN_PREFIX.get(region.code, region.code)}_regulator"
    )


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _shift(day: date, year: int) -> date:
    """A date of BASE_YEAR's plan moved to ``year`` (same month and day)."""
    return day.replace(year=day.year - BASE_YEAR + year)


def _finished_campaign(
    rng: random.Random, seed: int, clauses: list[CriteriaClause], year: int
) -> Campaign:
    regions = list(Region.objects.filter(is_active=True).order_by("code"))
    organiser = _regulator(regions[0])
    campaign = Campaign(
        year=year,
        title=f"{year}年度京津冀晋蒙检验检测机构交叉互查",
        organiser=regions[0],
        items="资质认定条件保持情况\n检验检测报告质量\n能力验证参加情况",
        per_region=3,
    )
    campaigns.save_campaign(organiser, campaign, regions)
    campaigns.draw_campaign(organiser, campaign, f"ticcoop-demo-{seed}-{year}")
    campaigns.start_campaign(organiser, campaign)
    targets = CampaignTarget.objects.filter(pair__campaign=campaign).select_related(
        "pair__inspecting", "pair__inspected", "institution"
    )
    for index, target in enumerate(targets.order_by("pk")):
        actor = _regulator(target.pair.inspecting)
        visit = date(year, 6, 3) + timedelta(days=3 * index)
        campaigns.record_inspection(actor, target, inspected_on=visit, summary="现场检查已完成。")
        for number in range(rng.randint(1, 2)):
            problem, field = rng.choice(PROBLEMS)
            finding = findings.record_finding(
                actor,
                target,
                clause=rng.choice(clauses),
                description=problem,
                severity=Severity.MAJOR if rng.random() < 0.2 else Severity.MINOR,
                field=field,
                today=visit,
            )
            Finding.objects.filter(pk=finding.pk).update(created_at=_at(visit))
            _answer(
                rng,
                finding,
                actor,
                visit,
                last=index % 7 == 6 and number == 0,
                returned=index == 0 and number == 0,
            )
        if index % 4 == 0:
            Finding.objects.filter(target=target).update(published=True)
    campaigns.close_campaign(organiser, campaign)
    return campaign


def _answer(
    rng: random.Random,
    finding: Finding,
    reviewer: User,
    visit: date,
    last: bool,
    returned: bool = False,
) -> None:
    """Most answers accepted on time; a few returned or never answered (overdue)."""
    if last:
        return  # never answered: overdue
    lab = finding.target.institution.members.first()
    submitter = lab.user if lab else reviewer
    submitted = visit + timedelta(days=rng.randint(5, 20))
    returned = returned or rng.random() < 0.15
    FindingRectification.objects.create(
        finding=finding,
        text="已完成整改，提交相关记录。",
        submitted_by=submitter,
        submitted_at=_at(submitted),
        decision=RectificationDecision.REJECTED if returned else RectificationDecision.ACCEPTED,
        review_note="证据不充分，请补充。" if returned else "整改有效。",
        reviewed_by=reviewer,
        reviewed_at=_at(submitted + timedelta(days=3)),
    )
    Finding.objects.filter(pk=finding.pk).update(
        status=FindingStatus.RETURNED if returned else FindingStatus.ACCEPTED,
        closed_at=None if returned else _at(submitted + timedelta(days=3)),
    )


def _open_campaign(seed: int, previous: Campaign, year: int) -> Campaign:
    regions = list(Region.objects.filter(is_active=True).order_by("code"))
    organiser = _regulator(regions[1])
    campaign = Campaign(
        year=year,
        title=f"{year}年度京津冀晋蒙检验检测机构交叉互查",
        organiser=regions[1],
        items="资质认定条件保持情况\n检验检测报告质量",
        risk_classes="BCD",
        per_region=2,
        previous=previous,
    )
    campaigns.save_campaign(organiser, campaign, regions)
    campaigns.draw_campaign(organiser, campaign, f"ticcoop-demo-{seed}-{year}")
    return campaigns.start_campaign(organiser, campaign)


def _joint_tasks(last: int, this: int) -> int:
    regions = {r.code: r for r in Region.objects.filter(is_active=True)}
    if not {"11", "12", "13", "14", "15"} <= set(regions):
        return 0
    bj, tj, heb = _regulator(regions["11"]), _regulator(regions["12"]), _regulator(regions["13"])
    experts = {
        code: list(
            Expert.objects.filter(region=regions[code], is_inspector=True).order_by("pk")[:2]
        )
        for code in regions
    }
    site = regions["11"].institution_set.order_by("pk").first()
    task = joint.propose_joint_task(
        bj,
        lead_region=regions["11"],
        participants=[regions["12"], regions["13"]],
        title="跨京津冀多场所检测机构联合检查",
        kind=JointTaskKind.MULTI_SITE,
        scope="机构在北京、天津、河北三地检测场所的资质认定条件和报告质量",
        planned_start=date(last, 5, 12),
        planned_end=date(last, 5, 23),
        members=experts["11"] + experts["12"] + experts["13"],
        leader=experts["11"][0] if experts["11"] else None,
        institution=site,
    )
    joint.accept_joint_task(tj, task)
    joint.accept_joint_task(heb, task)
    joint.start_joint_task(bj, task)
    joint.add_joint_note(heb, task, "河北场所：设备台账与实际不符，已拍照取证。")
    joint.hand_over_case(
        bj, task, regions["13"], "河北场所超资质范围出具报告，移交河北省市场监管局依法查处。"
    )
    joint.submit_joint_report(bj, task, "三地场所总体符合要求；河北场所问题已移交。")
    joint.close_joint_task(bj, task)
    sx, nm = _regulator(regions["14"]), _regulator(regions["15"])
    second = joint.propose_joint_task(
        sx,
        lead_region=regions["14"],
        participants=[regions["15"]],
        title="晋蒙跨区域投诉举报联合核查",
        kind=JointTaskKind.COMPLAINT,
        scope="针对煤质检测报告数据造假的投诉开展联合核查",
        planned_start=date(this, 3, 2),
        planned_end=date(this, 3, 31),
        members=experts["14"] + experts["15"],
    )
    joint.accept_joint_task(nm, second)
    joint.start_joint_task(sx, second)
    return 2


def _target(metric: str, nominal: int | None, year: int, today: date) -> int | None:
    """A count target the plan could have set: for a finished year a round figure just below
    what the records show (the region met it), for the current year one the records reach
    about three quarters of; ``nominal`` when nothing is recorded (it shows as not met)."""
    if nominal is None or METRICS.get(metric) is None or METRICS[metric].kind != "count":
        return nominal
    measured = compute(metric, year, today)
    count = measured.numerator or 0
    if not measured.available or count == 0:
        return nominal
    if year < today.year:
        return max(1, count // 5 * 5 if count >= 10 else count)
    return count + max(1, count // 3)


def _plan(year: int, today: date) -> ActionPlan:
    """The plan of ``year``: milestones due by today are done (a few days early), later ones
    open; items of a finished year end on time, this year's end on 31 December."""
    regions = {r.code: r for r in Region.objects.all()}
    convener = regions["11"] if year % 2 else regions["12"]  # the convener rotates
    plan = ActionPlan.objects.create(
        year=year, title=PLAN_TITLE.format(year=year), convener=convener
    )
    for number, title, area, lead, co, deadline, metric, target, milestones in PLAN_ITEMS:
        item = ActionItem.objects.create(
            plan=plan,
            number=number,
            title=title,
            area=area,
            lead_region=regions[lead],
            deadline=_shift(deadline, year) if year < today.year else date(year, 12, 31),
            metric=metric,
            target=_target(metric, target, year, today),
        )
        item.co_owners.set([regions[code] for code in co])
        for label, due in milestones:
            due = _shift(due, year)
            Milestone.objects.create(
                item=item,
                title=label,
                due=due,
                done_on=due - timedelta(days=5) if due - timedelta(days=5) <= today else None,
            )
    return plan


def _target_lab_user(campaign: Campaign) -> str:
    """A demo lab user for the first target with a finding waiting for its answer, so the
    rectification can be answered by signing in (the regions' own lab users may not have
    been drawn)."""
    finding = (
        Finding.objects.filter(target__pair__campaign=campaign, status__in=OPEN_FINDING_STATUSES)
        .select_related("target__institution__region")
        .order_by("target__pk", "pk")
        .first()
    )
    if finding is None:
        return ""
    institution = finding.target.institution
    member = institution.members.select_related("user").first()
    if member is not None:
        return member.user.username
    username = f"{region_prefix(institution.region)}_lab_target"
    return create_lab_user(institution, username, demo_password_hash())


def load(seed: int) -> str:
    rng = random.Random(seed + 61)
    catalogue = current_catalogue()
    if catalogue is None:
        from ticcoop.assessments.criteria_2023 import load_catalogue

        catalogue = load_catalogue()
    clauses = list(CriteriaClause.objects.filter(element__catalogue=catalogue).order_by("pk"))
    today = timezone.localdate()
    last, this = today.year - 1, today.year
    finished = _finished_campaign(rng, seed, clauses, last)
    lab_user = _target_lab_user(finished)
    _open_campaign(seed, finished, this)
    tasks = _joint_tasks(last, this)
    plans = [_plan(last, today), _plan(this, today)]
    count = Finding.objects.filter(target__pair__campaign=finished).count()
    return (
        f"已生成交叉互查 2 次（{last} 年已结束，{count} 个问题；{this} 年进行中）、"
        f"联合检查任务 {tasks} 个、行动计划 2 份（"
        + "、".join(f"《{p.title}》{p.items.count()} 项任务" for p in plans)
        + "）。"
        + (f"互查对象机构用户 {lab_user} 可登录答复退回的问题。" if lab_user else "")
    )
