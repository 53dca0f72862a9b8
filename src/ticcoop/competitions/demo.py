"""Demo data: a finished competition of last year organised by Hebei (published, with awards), one
organised by Tianjin that is in progress (its judges have logins and can score) and one
organised by Beijing that is open for registration.  Deterministic from the seed.

The finished one replays history: registrations and raw scores are bulk-inserted (they are
not user actions), every lifecycle step — number draw, confirmation, publication, signed
award certificates — goes through the services.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.utils import timezone

from ticcoop.accounts.demo import demo_password_hash, region_prefix
from ticcoop.accounts.roles import Role
from ticcoop.accounts.services import create_user
from ticcoop.competitions import services
from ticcoop.competitions.models import (
    BlindResult,
    Competition,
    CompetitionStatus,
    Contestant,
    ContestantStatus,
    Discipline,
    Judge,
    JudgeScore,
    TheoryScore,
)
from ticcoop.competitions.queries import exclusion_reason
from ticcoop.methods.points import Judge as JudgeTies
from ticcoop.methods.points import judge_excluded
from ticcoop.regions.models import Region
from ticcoop.registry.demo import person_name
from ticcoop.registry.models import Expert, Institution, InstitutionStatus

TZ = ZoneInfo("Asia/Shanghai")
# code, name, blind sample, unit, reference value (None: robust mean), sigma rule, sigma value
DISCIPLINES = [
    ("HX", "化学分析", "食品中铅含量", "mg/kg", None, "percent", 8.0),
    ("WSW", "微生物检验", "菌落总数（对数值）", "lg CFU/g", 4.52, "fixed", 0.15),
    ("LX", "力学性能", "钢筋抗拉强度", "MPa", None, "robust-sd", None),
    ("DQ", "电气安全", "绝缘电阻", "MΩ", 52.0, "percent", 5.0),
]
BLIND_CENTRE = {"HX": 0.48, "WSW": 4.52, "LX": 565.0, "DQ": 52.0}
BLIND_SPREAD = {"HX": 0.06, "WSW": 0.02, "LX": 0.03, "DQ": 0.04}  # relative SD of results
RUBRIC = [
    {"item": "操作规范", "max": 40},
    {"item": "结果记录", "max": 30},
    {"item": "安全与整理", "max": 30},
]
RUBRIC_MAX = [40, 30, 30]
PER_REGION = 2
RULES = (
    "一、参赛对象：五地正常经营的检验检测机构在职技术人员，每个机构每个项目限报 2 人。\n"
    "二、比赛由理论考试、盲样检测和实操评审三个环节组成，各项目权重见下表。\n"
    "三、盲样检测按 ISO 13528 计算 z 值并换算得分；实操评审评委回避本机构选手。\n"
    "四、成绩确认后设申诉期，申诉答复后公布最终结果。"
)


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=TZ)


def _disciplines(competition: Competition) -> list[Discipline]:
    rows = []
    for code, name, sample, unit, reference, sigma_rule, sigma_value in DISCIPLINES:
        rows.append(Discipline.objects.create(
            competition=competition, code=code, name=name, blind_sample=sample, blind_unit=unit,
            weight_theory=Decimal("0.3"), weight_blind=Decimal("0.3"),
            weight_operation=Decimal("0.4"), quota_per_institution=2,
            reference_value=reference, sigma_rule=sigma_rule, sigma_value=sigma_value,
            rubric=RUBRIC,
        ))  # fmt: skip
    return rows


def _finished(rng: random.Random, organiser: User) -> Competition:
    hebei = Region.objects.get(code="13")
    year = timezone.localdate().year - 1  # relative to today: last year's competition
    competition = Competition.objects.create(
        organiser_region=hebei, title="华北五地检验检测机构技能比武", year=year,
        registration_opens=_at(year, 4, 1), registration_closes=_at(year, 5, 31),
        schedule=f"{year}-06-16 理论考试\n{year}-06-17 盲样检测\n{year}-06-18 实操评审",
        venue="石家庄市 河北省产品质量监督检验研究院", rules_text=RULES,
        status=CompetitionStatus.REGISTRATION_OPEN, draw_seed=f"demo-{rng.randrange(10**8)}",
    )  # fmt: skip
    disciplines = _disciplines(competition)
    _register(rng, competition, disciplines, decided_at=_at(year, 5, 20))
    # keys only: the demo's experts grow with the institutions
    experts = list(
        Expert.objects.filter(is_expert=True).order_by("pk").values_list("pk", flat=True)
    )
    for discipline in disciplines:
        for expert in rng.sample(experts, min(6, len(experts))):
            Judge.objects.create(competition=competition, discipline=discipline, expert_id=expert)
    services.close_registration(organiser, competition)
    services.start_competition(organiser, competition)
    _scores(rng, competition)
    services.confirm_scores(organiser, competition)
    services.open_appeals(organiser, competition, timezone.now() + timedelta(days=1))
    Competition.objects.filter(pk=competition.pk).update(appeal_deadline=_at(year, 6, 25))
    competition.refresh_from_db()
    services.publish_results(organiser, competition)
    Competition.objects.filter(pk=competition.pk).update(
        scores_confirmed_at=_at(year, 6, 20), published_at=_at(year, 6, 26)
    )
    return competition


def _register(
    rng: random.Random,
    competition: Competition,
    disciplines: list[Discipline],
    decided_at: datetime,
) -> None:
    """Confirmed registrations: PER_REGION contestants per discipline from every region."""
    contestants: list[Contestant] = []
    for region in Region.objects.filter(is_active=True):
        pool = list(
            Institution.objects.filter(region=region, status=InstitutionStatus.OPERATING).order_by(
                "pk"
            )[: PER_REGION * len(disciplines)]
        )
        if not pool:
            continue
        for index, discipline in enumerate(disciplines):
            for slot in range(PER_REGION):
                institution = pool[(index * PER_REGION + slot) % len(pool)]
                contestants.append(Contestant(
                    competition=competition, discipline=discipline,
                    person_name=person_name(rng), staff_number=f"{region.code}{len(contestants):04d}",
                    institution=institution, region=region, status=ContestantStatus.CONFIRMED,
                    decided_at=decided_at,
                ))  # fmt: skip
    Contestant.objects.bulk_create(contestants)


def _scores(rng: random.Random, competition: Competition) -> None:
    theory, blind, judged = [], [], []
    for discipline in competition.disciplines.all():
        judges = list(discipline.judges.select_related("expert"))
        centre = BLIND_CENTRE[discipline.code]
        for contestant in discipline.contestants.all():
            skill = rng.gauss(0, 1)
            theory.append(TheoryScore(
                contestant=contestant, score=Decimal(f"{min(100, max(40, 82 + 7 * skill)):.1f}"),
                submitted_at=_at(competition.year, 6, 16)
                + timedelta(minutes=rng.randrange(60, 120)),
            ))  # fmt: skip
            spread = BLIND_SPREAD[discipline.code]
            value = centre * (1 + rng.gauss(0, spread) - 0.005 * skill)
            blind.append(BlindResult(contestant=contestant, value=round(value, 3)))
            for judge in judges:
                expert = judge.expert
                ties = JudgeTies(
                    str(judge.pk), str(expert.employer_id or ""), str(expert.region_id)
                )
                if judge_excluded(ties, str(contestant.institution_id), "", "institution"):
                    continue
                parts = [_item(rng, maximum, skill) for maximum in RUBRIC_MAX]
                judged.append(
                    JudgeScore(
                        contestant=contestant,
                        judge=judge,
                        item_scores=parts,
                        total=Decimal(sum(parts)),
                    )
                )
    TheoryScore.objects.bulk_create(theory)
    BlindResult.objects.bulk_create(blind)
    JudgeScore.objects.bulk_create(judged)


def _item(rng: random.Random, maximum: int, skill: float) -> int:
    """One rubric item: around 80 % of the maximum, better for more skilled contestants."""
    return min(maximum, max(0, round(maximum * (0.8 + 0.06 * skill + rng.gauss(0, 0.05)))))


def _set_up(organiser: User, region_code: str, **fields: Any) -> Competition:
    """A current-year competition of two disciplines, set up and opened through the services."""
    competition = services.save_competition(organiser, Competition(
        organiser_region=Region.objects.get(code=region_code), year=timezone.localdate().year,
        rules_text=RULES, **fields,
    ))  # fmt: skip
    for code, name, sample, unit, reference, sigma_rule, sigma_value in DISCIPLINES[:2]:
        services.save_discipline(organiser, Discipline(
            competition=competition, code=code, name=name, blind_sample=sample, blind_unit=unit,
            weight_theory=Decimal("0.4"), weight_blind=Decimal("0.3"),
            weight_operation=Decimal("0.3"), reference_value=reference, sigma_rule=sigma_rule,
            sigma_value=sigma_value, rubric=RUBRIC,
        ))  # fmt: skip
    return services.open_registration(organiser, competition)


def _open(organiser: User) -> Competition:
    now = timezone.now()
    return _set_up(
        organiser, "11", title="华北五地检验检测技能比武（北京赛区）",
        registration_opens=now - timedelta(days=3), registration_closes=now + timedelta(days=30),
        schedule="报名截止后两周内举行", venue="北京市 中国计量科学研究院昌平院区",
    )  # fmt: skip


def _in_progress(rng: random.Random, organiser: User) -> Competition:
    """Registration closed and numbers drawn; the practical operation is being judged."""
    now = timezone.now()
    competition = _set_up(
        organiser, "12", title="华北五地检验检测技能比武（天津赛区）",
        registration_opens=now - timedelta(days=40), registration_closes=now - timedelta(days=5),
        schedule=f"{timezone.localdate():%Y-%m-%d} 理论考试、盲样检测、实操评审",
        venue="天津市 天津市产品质量监督检测技术研究院", draw_seed=f"demo-{rng.randrange(10**8)}",
    )  # fmt: skip
    disciplines = list(competition.disciplines.all())
    _register(rng, competition, disciplines, decided_at=now - timedelta(days=10))
    for region in Region.objects.filter(is_active=True):
        experts = Expert.objects.filter(region=region, is_expert=True).order_by("pk")
        for discipline, expert in zip(disciplines, experts[: len(disciplines)], strict=False):
            services.add_judge(organiser, discipline, expert)
    services.close_registration(organiser, competition)
    return services.start_competition(organiser, competition)


def _judge_logins(competition: Competition) -> None:
    """A login per judge, named ``judge_<region>_<n>`` (n-th judge of the region), linked to
    the judge's expert record: that is how the score sheet recognises its judge."""
    password_hash = demo_password_hash()
    numbers: dict[int, int] = {}
    for judge in competition.judges.select_related("expert__region").order_by(
        "expert__region__code", "pk"
    ):
        expert = judge.expert
        numbers[expert.region_id] = numbers.get(expert.region_id, 0) + 1
        user = create_user(
            actor=None,
            username=f"judge_{region_prefix(expert.region)}_{numbers[expert.region_id]}",
            password=None,
            role=Role.INSPECTOR,
            region=expert.region,
            display_name=expert.name,
        )
        User.objects.filter(pk=user.pk).update(password=password_hash)
        Expert.objects.filter(pk=expert.pk).update(user=user)


def _recusal(competition: Competition) -> None:
    """The first judge works for the institution of a contestant of their discipline (from
    their own region where there is one), so the sheet shows a recusal (回避)."""
    judge = competition.judges.select_related("expert").order_by("pk").first()
    if judge is None:
        return
    contestants = judge.discipline.contestants.order_by("pk")
    contestant = contestants.filter(region_id=judge.expert.region_id).first() or contestants.first()
    if contestant is not None:
        Expert.objects.filter(pk=judge.expert_id).update(employer=contestant.institution)


def _running_scores(rng: random.Random, competition: Competition, organiser: User) -> None:
    """Some scores of the competition in progress, entered through the services: every
    theory score, half of the blind results, and each judge's first sheets."""
    started = timezone.now() - timedelta(hours=5)
    for discipline in competition.disciplines.order_by("pk"):
        contestants = list(discipline.contestants.order_by("pk"))
        for index, contestant in enumerate(contestants):
            skill = rng.gauss(0, 1)
            services.record_theory_score(
                organiser, contestant, f"{min(100, max(40, 82 + 7 * skill)):.1f}",
                submitted_at=started + timedelta(minutes=rng.randrange(60, 120)),
            )  # fmt: skip
            if index % 2 == 0:
                value = BLIND_CENTRE[discipline.code] * (1 + rng.gauss(0, 0.03))
                services.record_blind_result(organiser, contestant, round(value, 3))
        for judge in discipline.judges.select_related("expert__user").order_by("pk")[1:3]:
            for contestant in contestants[:3]:
                if exclusion_reason(judge, contestant, competition.judge_exclusion):
                    continue
                parts = [_item(rng, maximum, 0.0) for maximum in RUBRIC_MAX]
                services.record_judge_score(judge.expert.user, judge, contestant, item_scores=parts)


def judge_logins() -> list[str]:
    """The demo judges' logins, for the account list printed by ``ticcoop demo-data``."""
    users = User.objects.filter(expert__in=Judge.objects.values("expert"))
    return list(users.order_by("pk").values_list("username", flat=True))


def load(seed: int) -> str:
    rng = random.Random(seed)
    hebei = User.objects.get(username="heb_regulator")
    tianjin = User.objects.get(username="tj_regulator")
    beijing = User.objects.get(username="bj_regulator")
    finished = _finished(rng, hebei)
    running = _in_progress(rng, tianjin)
    _judge_logins(running)
    _recusal(running)
    _running_scores(rng, running, tianjin)
    open_one = _open(beijing)
    awards = finished.contestants.filter(award__isnull=False).count()
    return (
        f"已生成技能比武 3 项：{finished.year}年河北主办（{finished.contestants.count()} 名选手，"
        f"{awards} 份获奖证书，结果已公布）；天津主办（{running.get_status_display()}，"
        f"{running.judges.count()} 名评委可登录评分）；北京主办（{open_one.get_status_display()}）。"
    )
