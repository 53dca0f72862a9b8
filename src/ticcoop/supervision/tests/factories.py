"""Small factories for supervision tests (and the demo)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from django.utils import timezone

from ticcoop.methods.seed import commit_for
from ticcoop.registry.models import Expert, Institution
from ticcoop.supervision import services
from ticcoop.supervision.models import Batch, Ceremony, InspectionItem, InspectionPlan
from ticcoop.supervision.snapshot import INSTITUTION_TYPE
from ticcoop.testing import factories

_serial = itertools.count(1)


def item(region_code: str = "11", **fields: Any) -> InspectionItem:
    values: dict[str, Any] = {
        "region": factories.region(region_code),
        "number": f"JC-{next(_serial):03d}",
        "name": "检验检测机构资质认定情况检查",
        "legal_basis": "《检验检测机构资质认定管理办法》第三十六条",
        "authority": "市场监督管理局",
        "object_type": INSTITUTION_TYPE,
        "rate_a": "0.05",
        "rate_b": "0.1",
        "rate_c": "0.5",
        "rate_d": "1",
        "frequency": "每季度",
        "method": "现场检查",
        "published_at": timezone.now(),
    }
    values.update(fields)
    return InspectionItem.objects.create(**values)


def inspector(region_code: str, employer: Institution | None = None, **fields: Any) -> Expert:
    return Expert.objects.create(
        name=fields.pop("name", f"检查员{next(_serial)}"),
        region=factories.region(region_code),
        employer=employer,
        employer_name=employer.name if employer else f"{region_code}市场监管局",
        is_inspector=True,
        enforcement_certificate_no=f"ZF{next(_serial):06d}",
        **fields,
    )


def plan(
    regions: tuple[str, ...] = ("11", "12"),
    items: list[InspectionItem] | None = None,
    **fields: Any,
) -> InspectionPlan:
    lead = factories.region(regions[0])
    made = InspectionPlan.objects.create(
        title=fields.pop("title", f"京津联合抽查计划{next(_serial)}"),
        year=fields.pop("year", timezone.localdate().year),
        region=lead,
        starts_on=fields.pop("starts_on", date(timezone.localdate().year, 1, 1)),
        status="published",
        published_at=timezone.now(),
        **fields,
    )
    made.regions.set([factories.region(code) for code in regions])
    made.items.set(items or [item(regions[0])])
    return made


def population(regions: tuple[str, ...] = ("11", "12"), per_region: int = 4) -> None:
    """Institutions to draw from and two inspectors per region."""
    for code in regions:
        for _ in range(per_region):
            factories.institution(code)
        inspector(code)
        inspector(code)


REVEALS = {code: f"reveal-of-region-{code}-0123456789" for code in ("11", "12", "13", "14", "15")}


def committed(ceremony: Ceremony, regulators: dict[str, Any]) -> None:
    for code, user in regulators.items():
        services.commit_seed(user, ceremony, commit_for(ceremony.label, code, REVEALS[code]))


def drawn_batch(regulators: dict[str, Any], the_plan: InspectionPlan | None = None) -> Batch:
    """A batch that went through snapshot, ceremony and draw."""
    the_plan = the_plan or plan(tuple(regulators))
    lead = regulators[the_plan.region.code]
    batch = services.create_batch(lead, the_plan)
    ceremony = services.freeze_snapshot(lead, batch)
    committed(ceremony, regulators)
    for code, user in regulators.items():
        services.reveal_seed(user, ceremony, REVEALS[code])
    batch.refresh_from_db()
    return batch
