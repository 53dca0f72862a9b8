"""Demo proficiency testing: one evaluated and published round per organising region (20–30
participants from all five regions, a few outliers and censored values) — for Beijing's
scheme five yearly rounds, in which the first demo lab drifts (history charts and a drift
warning) — each with its instructions (参加须知) and dispatch records, receipts confirmed by
the labs that have users and the report's particulars (coordinator, signatory, items,
provider's contact) — plus a Beijing round whose items are out (the demo lab users can submit) and a Tianjin round open for enrolment.

Everything goes through the services (with past ``now=`` moments for the timeline); reports are
not rendered here (they are rendered on first download).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from ticcoop.accounts.demo import region_prefix
from ticcoop.proficiency import services
from ticcoop.proficiency.models import Measurand, Participant, Round, Scheme
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution, InstitutionMembership, InstitutionStatus

# region code → scheme name, field, provider, [(measurand, unit, decimals, level, sd, sigma %)]
SCHEMES: dict[str, tuple[str, str, str, list[tuple[str, str, int, float, float, float]]]] = {
    "11": (
        "食品中重金属测定",
        "食品",
        "北京市食品安全监控和风险评估中心",
        [("铅", "mg/kg", 3, 0.250, 0.012, 8.0), ("镉", "mg/kg", 3, 0.120, 0.006, 8.0)],
    ),
    "12": (
        "水质氨氮和总磷测定",
        "环境",
        "天津市生态环境监测中心",
        [("氨氮", "mg/L", 2, 1.20, 0.05, 6.0), ("总磷", "mg/L", 3, 0.310, 0.014, 7.0)],
    ),
    "13": (
        "钢材拉伸性能试验",
        "建材",
        "河北省产品质量监督检验研究院",
        [("抗拉强度", "MPa", 0, 520.0, 6.0, 2.0)],
    ),
    "14": (
        "煤中全硫和灰分测定",
        "能源",
        "山西省煤炭质量检测中心",
        [("全硫", "%", 2, 1.50, 0.03, 3.0), ("灰分", "%", 2, 18.40, 0.20, 2.0)],
    ),
    "15": (
        "乳粉中蛋白质测定",
        "食品",
        "内蒙古自治区产品质量检验研究院",
        [("蛋白质", "g/100g", 2, 20.50, 0.25, 2.5)],
    ),
}

# region code → the report's particulars (people and addresses are invented for the demo)
PARTICULARS: dict[str, dict[str, str]] = {
    "11": {
        "coordinator": "王立新",
        "signatory": "刘建华",
        "signatory_title": "技术负责人",
        "items_description": (
            "大米粉基质样品，每瓶约 50 g，密封铝箔袋包装，经 ⁶⁰Co 辐照灭菌；"
            "收到后于 4 ℃ 以下避光保存，开封后当日检测。"
        ),
        "traceability": "指定值为参加者结果的稳健平均值（算法 A），未另行溯源至有证标准物质。",
        "comments": "本轮多数实验室结果满意；对铅结果持续偏高的实验室，请核查消解回收率。",
        "contact": "北京市（演示地址）某区某路 1 号；电话 010-0000 0001；pt-11@example.invalid",
        "external_activities": "",
    },
    "12": {
        "coordinator": "赵海燕",
        "signatory": "孙文涛",
        "signatory_title": "质量负责人",
        "items_description": "水样两瓶（各 500 mL，硫酸固定，pH < 2），冷藏运输，收到后 48 h 内测定。",
        "traceability": "",
        "comments": "总磷低浓度段离散较大，建议核对校准曲线低点。",
        "contact": "天津市（演示地址）某区某道 2 号；电话 022-0000 0002；pt-12@example.invalid",
        "external_activities": "样品均匀性和稳定性检验由天津市某计量检测中心（演示）承担。",
    },
    "13": {
        "coordinator": "李国强",
        "signatory": "周志刚",
        "signatory_title": "技术负责人",
        "items_description": "Q235B 热轧钢板加工的标准拉伸试样 2 根（GB/T 228.1 R7 型），随附编号。",
        "traceability": "",
        "comments": "",
        "contact": "河北省（演示地址）石家庄市某路 3 号；电话 0311-0000 0003；pt-13@example.invalid",
        "external_activities": "",
    },
    "14": {
        "coordinator": "郭红梅",
        "signatory": "韩建军",
        "signatory_title": "技术负责人",
        "items_description": "空气干燥基煤样，粒度 < 0.2 mm，每瓶 30 g，密封棕色玻璃瓶。",
        "traceability": "",
        "comments": "灰分结果整体满意；全硫有个别实验室偏低，请检查库仑滴定的电解液状态。",
        "contact": "山西省（演示地址）太原市某街 4 号；电话 0351-0000 0004；pt-14@example.invalid",
        "external_activities": "",
    },
    "15": {
        "coordinator": "包玉兰",
        "signatory": "高志远",
        "signatory_title": "技术负责人",
        "items_description": "全脂乳粉，每袋 25 g，铝箔袋充氮包装，常温避光保存。",
        "traceability": "",
        "comments": "",
        "contact": "内蒙古自治区（演示地址）呼和浩特市某路 5 号；电话 0471-0000 0005；"
        "pt-15@example.invalid",
        "external_activities": "",
    },
}

MIN_POOL = 8  # below this the demo has no meaningful round to evaluate


def _regulator(region: Region) -> User:
    return User.objects.get(username=f"{region_prefix(region)}_regulator")


def _scheme(actor: User, region: Region, index: int) -> Scheme:
    name, field, provider, measurands = SCHEMES[region.code]
    scheme = Scheme(
        code=f"PT-{region.code}-{index:02d}",
        name=name,
        organising_region=region,
        provider_name=provider,
        field=field,
        method_requirements="采用现行国家标准方法或等效方法",
        min_participants=12,
    )
    rows = [
        Measurand(name=m, unit=u, decimals=d, sigma_percent=pct, sigma_value=level * pct / 100)
        for m, u, d, level, _sd, pct in measurands
    ]
    return services.create_scheme(actor, scheme, rows)


def _round(actor: User, scheme: Scheme, code: str, deadline: datetime, due: datetime) -> Round:
    rnd = Round(
        scheme=scheme,
        code=code,
        title=f"{deadline.year} 年第 1 轮",
        year=deadline.year,
        enrolment_deadline=deadline,
        results_due=due,
    )
    return services.save_round(actor, rnd)


HANDLING = (
    "每个测量项目 1 瓶样品，随附样品编号单。收到后请核对数量和包装，2–8 ℃ 避光保存。\n"
    "请在收到后 7 日内按日常样品检测，检测前充分混匀；不得将样品送其他实验室检测。"
)
COURIERS = ("顺丰速运", "中国邮政 EMS", "京东物流")


def _instructions(actor: User, rnd: Round, moment: datetime) -> None:
    """The round's instructions (参加须知), written before the items go out."""
    scheme = rnd.scheme
    services.save_instructions(
        actor,
        rnd,
        sample_handling=HANDLING,
        reporting="每个项目报告一个结果（单位和小数位数见上表），并尽量给出扩展不确定度 U 和 k。",
        contact=f"{scheme.provider_name} 能力验证协调员，pt-{scheme.organising_region.code}@ticcoop.example",
        now=moment,
    )


def _dispatch_records(
    actor: User, rnd: Round, participants: list[Participant], moment: datetime
) -> None:
    """One shipment per participant; labs with users confirm receipt two days later."""
    day = timezone.localtime(moment).date()
    rows = [
        services.DispatchRow(
            p.code, COURIERS[i % len(COURIERS)], f"{rnd.code[-7:].replace('-', '')}{i + 1:04d}", day
        )
        for i, p in enumerate(participants)
    ]
    shipments = services.record_dispatches(actor, rnd, rows, now=moment)
    if rnd.status != "dispatched" or moment > timezone.now() - timedelta(days=3):
        return  # a live round: the labs confirm on their page
    members = {
        m.institution_id: m.user
        for m in InstitutionMembership.objects.filter(
            institution__in=[p.institution_id for p in participants]
        ).select_related("user")
    }
    for shipment, participant in zip(shipments, participants, strict=True):
        user = members.get(participant.institution_id)
        if user is not None:
            services.confirm_receipt(
                user,
                shipment,
                received_on=day + timedelta(days=2),
                condition="intact",
                now=moment + timedelta(days=2),
            )


def _value(rng: random.Random, level: float, sd: float, decimals: int) -> str:
    roll = rng.random()
    if roll < 0.04:
        x = level + rng.choice((-1, 1)) * rng.uniform(3.5, 6) * sd * 2.5  # gross outlier
    elif roll < 0.10:
        x = level + rng.choice((-1, 1)) * rng.uniform(2.2, 2.9) * level * 0.02  # questionable
    else:
        x = rng.gauss(level, sd)
    return f"{x:.{decimals}f}"


def _evaluated_round(
    rng: random.Random,
    region: Region,
    pool: list[int],
    *,
    scheme: Scheme | None = None,
    years_ago: int = 1,
    shifts: dict[int, float] | None = None,
) -> tuple[Scheme, int]:
    """One published round ``years_ago`` years back; ``shifts`` puts the first measurand of
    the institutions it names at level + shift·σ_pt (a controlled z for the history demo)."""
    actor = _regulator(region)
    scheme = scheme or _scheme(actor, region, 1)
    shifts = shifts or {}
    now = timezone.now()
    # Last year's round (relative to today), so last year's action plan counts it.
    deadline = now.replace(year=now.year - years_ago, month=8, day=15)
    due = deadline + timedelta(days=45)
    rnd = _round(actor, scheme, f"PT{deadline.year}-{region.code}-01", deadline, due)
    chosen = rng.sample(pool, min(len(pool), rng.randint(20, 30)))
    chosen += [pk for pk in shifts if pk in pool and pk not in chosen]
    institutions = Institution.objects.select_related("region").in_bulk(chosen)
    participants = [
        services.enrol(actor, rnd, institutions[pk], now=deadline - timedelta(days=1))
        for pk in chosen
    ]
    _instructions(actor, rnd, deadline - timedelta(days=5))
    services.dispatch_items(actor, rnd, now=deadline + timedelta(days=1))
    rnd.refresh_from_db()
    _dispatch_records(actor, rnd, participants, deadline + timedelta(days=1))
    measurands = list(scheme.measurands.all())
    spec = {m: s for m, s in zip(measurands, SCHEMES[region.code][3], strict=True)}
    for participant in participants:
        entries = []
        for index, (m, (_n, _u, d, level, sd, pct)) in enumerate(spec.items()):
            reported = _value(rng, level, sd, d)
            if index == 0 and participant.institution_id in shifts:
                reported = f"{level * (1 + shifts[participant.institution_id] * pct / 100):.{d}f}"
            elif rng.random() < 0.03:
                reported = f"<{level / 10:.{d}f}"
            u = f"{2 * sd * rng.uniform(0.8, 1.6):.{d + 1}f}" if rng.random() < 0.8 else None
            entries.append(services.Entry(m.name, reported, u, "2" if u else None, "国标法"))
        services.submit_results(actor, participant, entries, now=due - timedelta(days=2))
    services.close_results(actor, rnd)
    short = "演示数据：机构数量少于最少参加者数" if len(chosen) < scheme.min_participants else ""
    services.evaluate_round(actor, rnd, override_reason=short)
    services.save_report_particulars(actor, rnd, **PARTICULARS[region.code])
    services.publish_round(actor, rnd, render_report=False)
    return scheme, len(participants)


# The demo lab's z for 铅 in the Beijing scheme, oldest round first: it drifts upwards and
# the drift rule (two successive |z| > 2, CUSUM) warns before any result is unsatisfactory.
DRIFT = (0.6, 1.2, 1.7, 2.4, 2.6)


def _history(rng: random.Random, region: Region, pool: list[int]) -> int:
    """Five yearly rounds of the Beijing scheme (the last is last year's), so that history
    charts show several points and the first demo lab has a drift warning."""
    labs = InstitutionMembership.objects.filter(
        institution__status=InstitutionStatus.OPERATING
    ).order_by("institution__region__code", "institution__pk")
    first = labs.values_list("institution", flat=True).first()
    scheme, enrolled = None, 0
    for i, shift in enumerate(DRIFT):
        shifts = {first: shift} if first is not None else {}
        scheme, count = _evaluated_round(
            rng, region, pool, scheme=scheme, years_ago=len(DRIFT) - i, shifts=shifts
        )
        enrolled += count
    return enrolled


def _live_rounds(region_bj: Region, region_tj: Region) -> None:
    """A Beijing round with items out (demo lab users submit) and a Tianjin round enrolling."""
    now = timezone.now()
    actor = _regulator(region_bj)
    rnd = _round(
        actor,
        _scheme(actor, region_bj, 2),
        f"PT{now.year}-11-02",
        now + timedelta(days=1),
        now + timedelta(days=30),
    )
    labs = Institution.objects.filter(
        pk__in=InstitutionMembership.objects.values("institution")
    ).order_by("region__code")
    enrolled = [services.enrol(actor, rnd, lab) for lab in labs]
    _instructions(actor, rnd, now)
    if enrolled:
        services.dispatch_items(actor, rnd)
        rnd.refresh_from_db()
        _dispatch_records(actor, rnd, enrolled, now)
    tj = _regulator(region_tj)
    _round(
        tj,
        _scheme(tj, region_tj, 2),
        f"PT{now.year}-12-02",
        now + timedelta(days=20),
        now + timedelta(days=60),
    )


def load(seed: int) -> str:
    rng = random.Random(seed + 13)
    # keys, not objects: the operating institutions of a million-institution demo would
    # take more than a gigabyte as model objects; only the sampled ones are loaded
    pool = list(
        Institution.objects.filter(status=InstitutionStatus.OPERATING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    regions = list(Region.objects.filter(is_active=True, code__in=SCHEMES).order_by("code"))
    if len(pool) < MIN_POOL:
        regions = []
    enrolled = sum(
        _history(rng, region, pool)
        if region.code == "11"
        else _evaluated_round(rng, region, pool)[1]
        for region in regions
    )
    by_code = {r.code: r for r in regions}
    if "11" in by_code and "12" in by_code:
        _live_rounds(by_code["11"], by_code["12"])
    published = len(regions) + (len(DRIFT) - 1 if "11" in by_code else 0)
    return (
        f"能力验证：{published} 个已发布轮次（{enrolled} 个参加者），"
        f"1 个样品已发放轮次，1 个报名中轮次"
    )
