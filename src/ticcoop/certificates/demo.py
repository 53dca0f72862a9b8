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
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from ticcoop.accounts.queries import region_id_of_user
from ticcoop.accounts.roles import Role
from ticcoop.assessments.models import Assessment, AssessmentKind
from ticcoop.assessments.queries import assessment_allows_issue
from ticcoop.bulk import insert_values
from ticcoop.certificates import services
from ticcoop.certificates.models import (
    SCOPE_FIELDS,
    Certificate,
    CertificateStatus,
    CertificateVersion,
    ScopeItem,
    VersionAction,
)
from ticcoop.certificates.scope import ScopeRow, digest_of
from ticcoop.certificates.validity import add_years, expiry_for
from ticcoop.methods.ids import MAX_SERIAL, format_certificate_number
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
    """The next serial of each (year, authority, field); a sector whose four-digit serials are
    used up moves on to the next sector, so a million institutions still get valid numbers."""

    def __init__(self) -> None:
        self.next: dict[tuple[int, str, str], tuple[int, int]] = {}

    def number(self, year: int, authority: str, field: str, start: int) -> str:
        key = (year, authority, field)
        sector, serial = self.next.get(key, (0, start))
        if serial > MAX_SERIAL:
            sector, serial = sector + 1, start
        self.next[key] = (sector, serial + 1)
        return format_certificate_number(year, authority, field, f"{sector:02d}", serial)


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

    Written as plain rows (``ticcoop.bulk.insert_values``: the columns ``new_version``
    gives, tokens from a ``BatchSigner``), a chunk of institutions at a time; they draw from
    ``rng`` in primary-key order, so the certificates do not depend on the chunk size."""
    today = timezone.localdate()
    taken = set(Certificate.objects.values_list("institution_id", flat=True))
    taken |= set(Assessment.objects.values_list("institution_id", flat=True))
    regions = {region.pk: region for region in Region.objects.all()}
    holders = (
        Institution.objects.exclude(pk__in=taken)
        .exclude(status=InstitutionStatus.CLOSED)
        .order_by("pk")
        .values_list("pk", "region_id", "name", "credit_code")
    )
    batch = trust.BatchSigner()
    chunk: list[_Historical] = []
    written = 0
    for pk, region_id, name, credit_code in holders.iterator(chunk_size=CHUNK):
        if rng.random() < 0.2:
            continue  # some institutions hold no certificate in the demo
        category, rows = _scope(rng)
        day = add_years(today, -rng.randint(0, 5)) - timedelta(days=rng.randint(1, 360))
        region = regions[region_id]
        state = {
            "number": serials.number(
                day.year, region.authority_code, FIELD_CODES[category], 1001
            ),
            "institution_name": name, "credit_code": credit_code, "issue_date": day,
            "valid_from": day, "expiry_date": expiry_for(day),
            "status": CertificateStatus.VALID.value, "version": 1,
        }  # fmt: skip
        fields, key, columns = services.version_values(
            state, rows, action=VersionAction.IMPORT, reason="历史证书导入", actor=None
        )
        batch.for_issuer(region.code)(fields)
        chunk.append(_Historical(pk, region_id, state, key, columns, rows))
        if len(chunk) == CHUNK:
            written += _write_historical(chunk, batch)
            chunk = []
    return written + _write_historical(chunk, batch)


@dataclass(frozen=True)
class _Historical:
    institution_id: int
    region_id: int
    state: dict[str, Any]
    search_key: str
    version: dict[str, Any]  # the version's columns (services.version_values)
    rows: list[ScopeRow]


CERTIFICATE_COLUMNS = ("number", "institution_id", "issuing_region_id", "issue_date",
                       "valid_from", "expiry_date", "status", "version", "search_key")  # fmt: skip
VERSION_COLUMNS = ("certificate_id", "token", "number", "action", "status", "issue_date",
                   "valid_from", "expiry_date", "institution_name", "credit_code", "scope",
                   "scope_digest", "reason", "actor_id", "actor_name")  # fmt: skip
SCOPE_COLUMNS = ("certificate_id", "position", *SCOPE_FIELDS)


def _write_historical(chunk: list[_Historical], batch: trust.BatchSigner) -> int:
    certificates = [
        (c.state["number"], c.institution_id, c.region_id, c.state["issue_date"],
         c.state["valid_from"], c.state["expiry_date"], c.state["status"], 1, c.search_key)
        for c in chunk
    ]  # fmt: skip
    pks = insert_values(Certificate, CERTIFICATE_COLUMNS, certificates)
    versions = [
        (pk, token, *(c.version[name] for name in VERSION_COLUMNS[2:-2]), None, "")
        for pk, c, token in zip(pks, chunk, batch.sign_all(), strict=True)
    ]
    insert_values(CertificateVersion, VERSION_COLUMNS, versions)
    insert_values(
        ScopeItem,
        SCOPE_COLUMNS,
        [(pk, i, *row.as_tuple()) for pk, c in zip(pks, chunk, strict=True)
         for i, row in enumerate(c.rows, start=1)],
    )  # fmt: skip
    return len(chunk)


def _histories(rng: random.Random, regulators: dict[int, User]) -> dict[str, int]:
    """Suspensions, revocations, scope changes and extensions through the services."""
    done = {"暂停": 0, "撤销": 0, "变更范围": 0, "延续": 0}
    today = timezone.localdate()
    for region in Region.objects.filter(is_active=True).order_by("code"):
        actor = regulators.get(region.pk)
        if actor is None:
            continue
        # keys, shuffled as the certificates were (same length, same permutation); only the
        # certificates used are read (the live ones of a region are most of its institutions)
        keys = list(
            Certificate.objects.filter(
                issuing_region=region, status=CertificateStatus.VALID, expiry_date__gte=today
            )
            .order_by("number")
            .values_list("pk", flat=True)
        )
        rng.shuffle(keys)
        live = _LazyCertificates(keys)
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


class _LazyCertificates:
    """Certificates by key, read (with holder and region) a slice at a time."""

    def __init__(self, keys: list[int]) -> None:
        self.keys = keys

    def __getitem__(self, part: slice) -> Iterator[Certificate]:
        keys = self.keys[part]
        for start in range(0, len(keys), 200):
            chunk = keys[start : start + 200]
            found = Certificate.objects.select_related("institution", "issuing_region").in_bulk(
                chunk
            )
            yield from (found[key] for key in chunk)


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
