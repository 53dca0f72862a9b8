"""Demo certificates for every region (deterministic from the seed).

Two sources, said plainly:

* institutions whose demo assessment (``ticcoop.assessments.demo``, which runs before this
  step) allows an initial issue get their certificate through ``services.issue_certificate``
  — the real rule, with the region's demo regulator as actor;
* most other institutions get a *historical* certificate (issued before the platform, as
  the regions' old registries would be imported), written with bulk inserts and an
  ``import`` version signed by the issuing region's key.

Then a few certificates per region are suspended, revoked, extended or have their scope
changed through the services, so that version histories exist.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from ticcoop.accounts.queries import region_id_of_user
from ticcoop.accounts.roles import Role
from ticcoop.assessments.models import Assessment, AssessmentKind
from ticcoop.assessments.queries import assessment_allows_issue
from ticcoop.bulk import insert_rows
from ticcoop.certificates import services
from ticcoop.certificates.models import (
    Certificate,
    CertificateStatus,
    ScopeItem,
    VersionAction,
)
from ticcoop.certificates.scope import ScopeRow, digest_of
from ticcoop.certificates.validity import add_years, expiry_for
from ticcoop.methods.ids import format_certificate_number
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution, InstitutionStatus
from ticcoop.trust import services as trust

CATALOGUE: dict[str, list[tuple[str, str, str, str, str]]] = {
    "食品": [
        ("生活饮用水", "浑浊度", "GB/T 5750.4-2023", "5.1", ""),
        ("生活饮用水", "铅", "GB/T 5750.6-2023", "14.1", "只用无火焰原子吸收分光光度法"),
        ("大米", "镉", "GB 5009.15-2023", "", ""),
        ("食用植物油", "酸价", "GB 5009.229-2016", "第一法", ""),
        ("乳制品", "三聚氰胺", "GB/T 22388-2008", "", ""),
    ],
    "建筑材料": [
        ("水泥", "抗压强度", "GB/T 17671-2021", "", ""),
        ("钢筋混凝土用钢", "屈服强度", "GB/T 228.1-2021", "", "仅做室温试验"),
        ("混凝土", "抗渗等级", "GB/T 50082-2024", "", ""),
    ],
    "环境监测": [
        ("地表水", "化学需氧量", "HJ 828-2017", "", ""),
        ("环境空气", "PM2.5", "HJ 618-2011", "", ""),
        ("土壤", "pH", "HJ 962-2018", "", ""),
        ("噪声", "厂界环境噪声", "GB 12348-2008", "", ""),
    ],
    "机动车": [
        ("汽油车", "排气污染物", "GB 18285-2018", "", ""),
        ("机动车", "制动性能", "GB 38900-2020", "", ""),
    ],
    "电子电气": [
        ("家用电器", "泄漏电流", "GB 4706.1-2005", "16", ""),
        ("信息技术设备", "辐射骚扰", "GB/T 9254.1-2021", "", "30 MHz–1 GHz"),
    ],
}
FIELD_CODES = {"食品": "17", "建筑材料": "12", "环境监测": "13", "机动车": "15", "电子电气": "16"}


def _scope(rng: random.Random) -> tuple[str, list[ScopeRow]]:
    categories = rng.sample(sorted(CATALOGUE), k=rng.choice([1, 1, 2]))
    rows = [
        ScopeRow(category, *entry)
        for category in categories
        for entry in rng.sample(
            CATALOGUE[category], k=min(len(CATALOGUE[category]), rng.randint(2, 4))
        )
    ]
    return categories[0], rows


def _regulators() -> dict[int, User]:
    found: dict[int, User] = {}
    for user in User.objects.filter(groups__name=Role.REGULATOR.value).order_by("pk"):
        region_id = region_id_of_user(user)
        if region_id is not None:
            found.setdefault(region_id, user)
    return found


class _Serials:
    def __init__(self) -> None:
        self.next: dict[tuple[int, str], int] = {}

    def number(self, year: int, authority: str, field: str, start: int) -> str:
        key = (year, authority)
        serial = self.next.get(key, start)
        self.next[key] = serial + 1
        return format_certificate_number(year, authority, field, "00", serial)


def _issue_assessed(serials: _Serials, rng: random.Random, regulators: dict[int, User]) -> int:
    issued = 0
    assessments = Assessment.objects.filter(kind=AssessmentKind.INITIAL).select_related(
        "institution__region"
    )
    for assessment in assessments.order_by("pk"):
        institution = assessment.institution
        actor = regulators.get(institution.region_id)
        if actor is None or assessment_allows_issue(assessment) is not None:
            continue
        if institution.status != InstitutionStatus.OPERATING:
            continue  # a suspended or closed institution gets no certificate (the service refuses)
        category, rows = _scope(rng)
        day = assessment.onsite_end + timedelta(days=rng.randint(5, 20))
        day = min(day, timezone.localdate())
        number = serials.number(
            day.year, institution.region.authority_code, FIELD_CODES[category], 1
        )
        services.issue_certificate(
            actor, institution, number=number, issue_date=day, scope=rows, assessment=assessment,
            reason="首次评审通过",
        )  # fmt: skip
        issued += 1
    return issued


# Institutions per written chunk: the demo's memory stays flat up to a million institutions.
CHUNK = 5000


def _historical(serials: _Serials, rng: random.Random) -> int:
    """Bulk-insert historical certificates (import versions) for un-certified institutions.

    Written as the registry import writes them (``ticcoop.bulk.insert_rows``, tokens from a
    ``BatchSigner``), a chunk of institutions at a time; they draw from ``rng`` in
    primary-key order, so the certificates do not depend on the chunk size."""
    today = timezone.localdate()
    taken = set(Certificate.objects.values_list("institution_id", flat=True))
    taken |= set(Assessment.objects.values_list("institution_id", flat=True))
    institutions = (
        Institution.objects.exclude(pk__in=taken)
        .exclude(status=InstitutionStatus.CLOSED)
        .select_related("region")
        .order_by("pk")
    )
    batch = trust.BatchSigner()
    certificates: list[tuple[Certificate, list[ScopeRow]]] = []
    written = 0
    for institution in institutions.iterator(chunk_size=CHUNK):
        if rng.random() < 0.2:
            continue  # some institutions hold no certificate in the demo
        category, rows = _scope(rng)
        day = add_years(today, -rng.randint(0, 5)) - timedelta(days=rng.randint(1, 360))
        number = serials.number(
            day.year, institution.region.authority_code, FIELD_CODES[category], 1001
        )
        certificate = Certificate(
            number=number, institution=institution, issuing_region=institution.region,
            issue_date=day, valid_from=day, expiry_date=expiry_for(day),
            status=CertificateStatus.VALID,
        )  # fmt: skip
        certificates.append((certificate, rows))
        if len(certificates) == CHUNK:
            written += _write_historical(certificates, batch)
            certificates = []
    return written + _write_historical(certificates, batch)


def _write_historical(
    certificates: list[tuple[Certificate, list[ScopeRow]]], batch: trust.BatchSigner
) -> int:
    versions = [
        services.new_version(
            certificate, rows, action=VersionAction.IMPORT, reason="历史证书导入",
            actor=None, sign=batch.for_issuer(certificate.issuer_code), save=False,
        )
        for certificate, rows in certificates
    ]  # fmt: skip
    for version, token in zip(versions, batch.sign_all(), strict=True):
        version.token = token
    insert_rows([certificate for certificate, _rows in certificates])
    insert_rows(versions)
    insert_rows(
        [
            ScopeItem(certificate=certificate, position=i, **row.as_dict())
            for certificate, rows in certificates
            for i, row in enumerate(rows, start=1)
        ]
    )
    return len(certificates)


def _histories(rng: random.Random, regulators: dict[int, User]) -> dict[str, int]:
    """Suspensions, revocations, scope changes and extensions through the services."""
    done = {"暂停": 0, "撤销": 0, "变更范围": 0, "延续": 0}
    today = timezone.localdate()
    for region in Region.objects.filter(is_active=True).order_by("code"):
        actor = regulators.get(region.pk)
        if actor is None:
            continue
        live = list(
            Certificate.objects.filter(
                issuing_region=region, status=CertificateStatus.VALID, expiry_date__gte=today
            )
            .select_related("institution", "issuing_region")
            .order_by("number")
        )
        rng.shuffle(live)
        for certificate in live[:2]:
            services.suspend_certificate(actor, certificate, "监督抽查发现检测报告不符合标准要求")
            done["暂停"] += 1
        for certificate in live[2:3]:
            services.suspend_certificate(actor, certificate, "监督抽查发现问题")
            services.revoke_certificate(
                actor, certificate, "整改期满仍不符合要求，出具虚假检测报告"
            )
            done["撤销"] += 1
        for certificate in live[3:5]:
            current = digest_of(services.scope_of(certificate))
            _category, rows = _scope(rng)
            while digest_of(rows) == current:  # a scope change must change the scope
                _category, rows = _scope(rng)
            services.change_scope(actor, certificate, rows, "扩项评审通过")
            done["变更范围"] += 1
        for certificate in live[5:]:
            remaining = certificate.expiry_date - today
            first_period = certificate.valid_from == certificate.issue_date
            if first_period and timedelta(days=100) < remaining < timedelta(days=400):
                services.extend_certificate(actor, certificate, reason="延续评审通过")
                done["延续"] += 1
                break
    return done


def load(seed: int) -> str:
    rng = random.Random(seed + 31)
    regulators = _regulators()
    serials = _Serials()
    issued = _issue_assessed(serials, rng, regulators)
    historical = _historical(serials, rng)
    done = _histories(rng, regulators)
    changes = "、".join(f"{label} {count}" for label, count in done.items())
    return (
        f"已生成 {issued + historical} 张资质认定证书（{issued} 张依据评审首次发证，"
        f"{historical} 张历史证书批量导入）；{changes}。"
    )
