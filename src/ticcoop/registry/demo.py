"""Reproducible, realistic demo institutions and experts for the five regions."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from ticcoop.accounts.demo import region_prefix
from ticcoop.accounts.roles import Role
from ticcoop.accounts.services import create_user
from ticcoop.bulk import insert_values
from ticcoop.methods.ids import make_credit_code, make_org_code
from ticcoop.regions.models import Region
from ticcoop.registry.models import (
    Expert,
    Institution,
    InstitutionMembership,
    InstitutionStatus,
    RiskClass,
)

# district name, 6-digit administrative division code, city (for names), per region code
DISTRICTS: dict[str, list[tuple[str, str, str]]] = {
    "11": [
        ("东城区", "110101", "北京"),
        ("西城区", "110102", "北京"),
        ("朝阳区", "110105", "北京"),
        ("丰台区", "110106", "北京"),
        ("海淀区", "110108", "北京"),
        ("通州区", "110112", "北京"),
        ("顺义区", "110113", "北京"),
        ("昌平区", "110114", "北京"),
        ("大兴区", "110115", "北京"),
    ],
    "12": [
        ("和平区", "120101", "天津"),
        ("河西区", "120103", "天津"),
        ("南开区", "120104", "天津"),
        ("东丽区", "120110", "天津"),
        ("西青区", "120111", "天津"),
        ("武清区", "120114", "天津"),
        ("滨海新区", "120116", "天津"),
    ],
    "13": [
        ("石家庄市长安区", "130102", "石家庄"),
        ("石家庄市裕华区", "130108", "石家庄"),
        ("唐山市路北区", "130203", "唐山"),
        ("秦皇岛市海港区", "130302", "秦皇岛"),
        ("邯郸市邯山区", "130402", "邯郸"),
        ("邢台市襄都区", "130502", "邢台"),
        ("保定市竞秀区", "130602", "保定"),
        ("张家口市桥东区", "130702", "张家口"),
        ("沧州市新华区", "130902", "沧州"),
        ("廊坊市安次区", "131002", "廊坊"),
        ("衡水市桃城区", "131102", "衡水"),
    ],
    "14": [
        ("太原市小店区", "140105", "太原"),
        ("太原市迎泽区", "140106", "太原"),
        ("大同市平城区", "140213", "大同"),
        ("阳泉市城区", "140302", "阳泉"),
        ("长治市潞州区", "140403", "长治"),
        ("晋中市榆次区", "140702", "晋中"),
        ("运城市盐湖区", "140802", "运城"),
        ("临汾市尧都区", "141002", "临汾"),
        ("吕梁市离石区", "141102", "吕梁"),
    ],
    "15": [
        ("呼和浩特市新城区", "150102", "呼和浩特"),
        ("呼和浩特市赛罕区", "150105", "呼和浩特"),
        ("包头市昆都仑区", "150203", "包头"),
        ("乌海市海勃湾区", "150302", "乌海"),
        ("赤峰市红山区", "150402", "赤峰"),
        ("通辽市科尔沁区", "150502", "通辽"),
        ("鄂尔多斯市东胜区", "150602", "鄂尔多斯"),
        ("呼伦贝尔市海拉尔区", "150702", "呼伦贝尔"),
    ],
}
BRANDS = [
    "华测",
    "谱尼",
    "中科",
    "国信",
    "正信",
    "诚安",
    "联创",
    "恒通",
    "天衡",
    "安信",
    "华正",
    "鑫源",
    "博远",
    "众信",
    "宏泰",
    "德润",
    "方圆",
    "中诚",
    "建研",
    "瑞达",
    "睿科",
    "金标",
]
FIELDS = [
    "质量",
    "环境",
    "食品",
    "建设工程",
    "机动车",
    "计量",
    "电气安全",
    "纺织品",
    "药品",
    "农产品",
    "职业卫生",
    "水质",
    "特种设备",
    "化工产品",
    "医疗器械",
]
SUFFIXES = [
    "检测有限公司",
    "检验检测有限公司",
    "检测技术有限公司",
    "检测技术服务有限公司",
    "检验检测研究院有限公司",
]
STREETS = [
    "建设路",
    "人民路",
    "解放路",
    "中山路",
    "科技路",
    "工业大街",
    "新华路",
    "长江道",
    "创业路",
    "友谊路",
    "和平街",
    "胜利路",
    "光明路",
    "学府路",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "文博",
    "子涵",
    "雨桐",
    "浩然",
    "思远",
    "婷",
    "鑫",
    "宇",
    "佳琪",
    "国庆",
    "红梅",
    "立新",
    "春雷",
    "卫东",
]
SPECIALTIES = [
    "化学分析",
    "微生物检验",
    "力学性能",
    "电气安全",
    "环境监测",
    "食品检验",
    "建设工程材料",
    "计量校准",
    "机动车检验",
    "纺织品检验",
    "管理体系",
]
RISK_WEIGHTS = [(RiskClass.A, 0.30), (RiskClass.B, 0.45), (RiskClass.C, 0.18), (RiskClass.D, 0.07)]
# An odd multiplier not divisible by 5 is a bijection on 0..10^8-1: unique organisation codes.
_ORG_MULTIPLIER = 48271


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def allocate(total: int, regions: list[Region]) -> dict[str, int]:
    """Split ``total`` across regions by their share (largest remainder, every region ≥ 1)."""
    shares = {r.code: max(r.population_share, 1e-9) for r in regions}
    weight = sum(shares.values())
    exact = {code: total * share / weight for code, share in shares.items()}
    counts = {code: int(value) for code, value in exact.items()}
    by_remainder = sorted(exact, key=lambda code: exact[code] - counts[code], reverse=True)
    for code in by_remainder[: total - sum(counts.values())]:
        counts[code] += 1
    for code in counts:
        if counts[code] == 0 and total >= len(counts):
            donor = max(counts, key=lambda c: counts[c])
            counts[donor] -= 1
            counts[code] = 1
    return counts


@dataclass
class InstitutionFactory:
    rng: random.Random
    offset: int

    def credit_code(self, index: int, division: str) -> str:
        body = f"{(index * _ORG_MULTIPLIER + self.offset) % 10**8:08d}"
        return make_credit_code("91" + division + make_org_code(body))

    def build(self, index: int, region: Region) -> dict[str, Any]:
        """The stored values of institution ``index`` (attribute names, ``INSTITUTION_FIELDS``)."""
        rng = self.rng
        district, division, city = rng.choice(
            DISTRICTS.get(region.code, [("", region.code + "0100", region.short_name)])
        )
        name = f"{city}{rng.choice(BRANDS)}{rng.choice(FIELDS)}{rng.choice(SUFFIXES)}"
        return {
            "credit_code": self.credit_code(index, division),
            "name": name,
            "region_id": region.pk,
            "address": f"{region.name_zh}{district}{rng.choice(STREETS)}{rng.randint(1, 999)}号",
            "legal_representative": person_name(rng),
            "contact_person": person_name(rng),
            "contact_phone": f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
            "status": InstitutionStatus.OPERATING.value
            if rng.random() > 0.03
            else InstitutionStatus.SUSPENDED.value,
            "risk_class": rng.choices([c for c, _ in RISK_WEIGHTS], [w for _, w in RISK_WEIGHTS])[
                0
            ].value,
        }


INSTITUTION_FIELDS = ("credit_code", "name", "region_id", "address", "legal_representative",
                      "contact_person", "contact_phone", "status", "risk_class")  # fmt: skip


def iter_institutions(total: int, seed: int) -> Iterator[dict[str, Any]]:
    """The demo institutions' stored values, in the order they are written."""
    rng = random.Random(seed)
    factory = InstitutionFactory(rng, offset=rng.randrange(10**8))
    regions = list(Region.objects.filter(is_active=True))
    counts = allocate(total, regions)
    index = 0
    for region in regions:
        for _ in range(counts[region.code]):
            yield factory.build(index, region)
            index += 1


def create_institutions(
    total: int, seed: int, batch_size: int = 5000, advance: Callable[[int], None] = lambda n: None
) -> int:
    """Insert in batches of plain rows (``insert_values``: no model object per institution),
    so memory stays flat and time low even for a million rows."""
    batch: list[tuple[Any, ...]] = []
    created = 0
    for values in iter_institutions(total, seed):
        batch.append(tuple(values[name] for name in INSTITUTION_FIELDS))
        if len(batch) >= batch_size:
            insert_values(Institution, INSTITUTION_FIELDS, batch)
            created += len(batch)
            advance(len(batch))
            batch = []
    if batch:
        insert_values(Institution, INSTITUTION_FIELDS, batch)
        created += len(batch)
        advance(len(batch))
    return created


def create_experts(seed: int, per_region: int, batch_size: int = 5000) -> int:
    """Inspectors, assessors and experts with affiliations: institutions and regulators; the
    number created.  Written a batch at a time: their number grows with the institutions
    (``per_region``), and the whole list held ~0.4 KiB per institution to the end of a demo."""
    rng = random.Random(seed + 1)
    batch: list[Expert] = []
    created = 0
    for region in Region.objects.filter(is_active=True):
        employers = list(Institution.objects.filter(region=region).order_by("pk")[:50])
        for number in range(per_region):
            employer = rng.choice(employers) if employers and number % 3 else None
            batch.append(
                Expert(
                    name=person_name(rng),
                    region=region,
                    employer=employer,
                    employer_name=employer.name if employer else f"{region.name_zh}市场监督管理局",
                    is_inspector=employer is None,
                    is_assessor=employer is not None or number % 2 == 0,
                    is_expert=number % 4 == 1,
                    specialties="、".join(rng.sample(SPECIALTIES, 2)),
                    enforcement_certificate_no=(
                        f"{region.code}{rng.randint(0, 99999999):08d}" if employer is None else ""
                    ),
                )
            )
            if len(batch) == batch_size:
                created += len(Expert.objects.bulk_create(batch))
                batch = []
    return created + len(Expert.objects.bulk_create(batch))


def create_institution_users(password_hash: str) -> list[str]:
    """One institution user per region, acting for the region's first operating institution
    (a suspended one could not enrol in the demo's PT rounds)."""
    usernames = []
    for region in Region.objects.filter(is_active=True):
        institution = (
            Institution.objects.filter(region=region, status=InstitutionStatus.OPERATING)
            .order_by("pk")
            .first()
        )
        if institution is None:
            continue
        usernames.append(
            create_lab_user(institution, f"{region_prefix(region)}_lab", password_hash)
        )
    return usernames


def create_lab_user(institution: Institution, username: str, password_hash: str) -> str:
    """A demo institution user acting for ``institution``, with the demo password."""
    user = create_user(
        actor=None,
        username=username,
        password=None,
        role=Role.INSTITUTION_USER,
        region=institution.region,
        display_name=institution.contact_person,
    )
    User.objects.filter(pk=user.pk).update(password=password_hash)
    InstitutionMembership.objects.create(user=user, institution=institution)
    return user.username
