"""Demo data: a completed joint batch (京津冀) with published results and one 递补 (a drawn
institution found out of business, replaced from the published list), every task fully
staffed; an own batch per region: 山西's refused at freeze (no outside inspector), 内蒙古's
frozen with a recorded relaxation and drawn, the others open."""

from __future__ import annotations

import contextlib
import hashlib
import random
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from ticcoop import events
from ticcoop.accounts.demo import region_prefix
from ticcoop.audit.services import RowChange, log_rows
from ticcoop.bulk import insert_rows
from ticcoop.methods.seed import commit_for
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert
from ticcoop.supervision import queries, services
from ticcoop.supervision.models import (
    Batch,
    Ceremony,
    InspectionItem,
    InspectionPlan,
    InspectorAvailability,
    RegionRuleChoice,
    ResultKind,
    Task,
    TaskResult,
    TaskStatus,
)
from ticcoop.supervision.services import results as results_services
from ticcoop.supervision.snapshot import INSTITUTION_TYPE

JOINT_REGIONS = ("11", "12", "13")
RESULTS = [ResultKind.NO_PROBLEM] * 6 + [ResultKind.RECTIFY] * 2 + [ResultKind.FILED]
REPLACEMENT_REASON = "现场核实：机构已停业，经营场所已转租，无法实施检查"


def _regulator(region: Region) -> User:
    return User.objects.get(username=f"{region_prefix(region)}_regulator")


def _item(region: Region, regulator: User, number: str) -> InspectionItem:
    item = InspectionItem(
        region=region,
        number=number,
        name="检验检测机构资质认定及从业行为检查",
        sub_item="超资质认定能力范围出具报告；原始记录完整性",
        legal_basis="《检验检测机构资质认定管理办法》第三十六条；《检验检测机构监督管理办法》",
        authority=f"{region.name_zh}市场监督管理局",
        object_type=INSTITUTION_TYPE,
        rate_a="0.03",
        rate_b="0.05",
        rate_c="0.2",
        rate_d="0.5",
        frequency="每季度",
        method="现场检查、书面检查",
        inspector_requirements="持有行政执法证件，两人以上",
    )
    services.save_item(regulator, item)
    return services.publish_item(regulator, item)


def _plan(
    lead: User, region: Region, title: str, regions: list[Region], item: InspectionItem
) -> InspectionPlan:
    today = timezone.localdate()
    plan = InspectionPlan(
        title=title, year=today.year, region=region, starts_on=date(today.year, 1, 1)
    )
    services.save_plan(lead, plan, regions=regions, items=[item])
    return services.publish_plan(lead, plan)


def _reveal(seed: int, label: str, code: str) -> str:
    return hashlib.sha256(f"demo-{seed}-{label}-{code}".encode()).hexdigest()


#: Drawn tasks read at a time while looking for one that can be 递补'd.
REPLACE_PAGE = 100


def _replace_one(regulators: dict[str, User], batch: Batch) -> None:
    """递补 the first drawn target whose stratum still has a published replacement.

    The drawn tasks are read a page at a time (the first usually serves): at a million
    institutions the batch has ~60,000.  A refused 递补 changes nothing, so the pages are
    the ones a single read would give."""
    drawn = batch.tasks.select_related("region").order_by("target_code")
    start = 0
    while page := list(drawn[start : start + REPLACE_PAGE]):
        for task in page:
            try:
                services.replace_target(regulators[task.region.code], task, REPLACEMENT_REASON)
            except ValidationError:
                continue  # that stratum's list is exhausted (small demo populations)
            return
        start += REPLACE_PAGE


DEMO_CAPACITY = 12
RELAXATION = "本地区暂无可派驻的外地区检查人员，经局务会研究，本批次检查组由本地区两名执法人员组成"


def _ensure_capacity(regulators: dict[str, User], codes: tuple[str, ...]) -> None:
    """Give the demo inspectors room for the joint batch and one batch of their own.

    Their number grows with the institutions (registry.demo), so new records are written in
    bulk (``insert_rows``) with one audit entry each, in the name of the region's regulator;
    a record that already exists goes through the service."""
    inspectors = Expert.objects.filter(is_inspector=True, region__code__in=codes)
    existing = {
        record.expert_id: record
        for record in InspectorAvailability.objects.filter(expert__in=inspectors)
    }
    new: dict[str, list[InspectorAvailability]] = {}
    for expert in inspectors.select_related("region").order_by("pk"):
        record = existing.get(expert.pk)
        if record is not None:
            record.capacity = DEMO_CAPACITY
            services.save_availability(regulators[expert.region.code], record)
            continue
        record = InspectorAvailability(expert=expert, capacity=DEMO_CAPACITY)
        new.setdefault(expert.region.code, []).append(record)
    fields = ("expert_id", "capacity", "available", "cross_region", "note")
    for code, records in new.items():
        insert_rows(records)
        changes = (
            RowChange(r.pk, str(r), {f: (None, getattr(r, f)) for f in fields}, True)
            for r in records
        )
        log_rows(regulators[code], InspectorAvailability, changes, {"demo": "supervision"})


def _publish_results(regulators: dict[str, User], tasks: list[Task], rng: random.Random) -> None:
    """Record and publish a result for every assigned task of the joint batch, in bulk.

    The batch grows with the institutions (about 2,000 tasks at 30,000), and recording then
    publishing each through the services (two saves, their audit entries and chain links,
    an event) took most of the demo's time.  Here the published results are inserted at once
    (``insert_rows``; ``seal_unlinked`` chains them at the end of the demo) with one audit
    entry each, the tasks are marked done with one audit entry each, one event per result
    (``record_many``), and the credit-risk rule raises the classes through the service's bulk
    form (``apply_risk_rules``), per region in its regulator's name."""
    today, now = timezone.localdate(), timezone.now()
    deadline = results_services.publication_deadline(today)
    results: list[TaskResult] = []
    for task in tasks:
        if task.status != TaskStatus.ASSIGNED:
            continue
        outcome = rng.choice(RESULTS)
        findings = "" if outcome == ResultKind.NO_PROBLEM else "部分原始记录缺少复核人签名"
        results.append(
            TaskResult(
                task=task,
                version=1,
                result=outcome,
                findings=findings,
                checked_on=today,
                publication_deadline=deadline,
                recorded_by=regulators[task.region.code],
                recorded_at=now,
                published_at=now,
            )
        )
    if not results:
        return
    insert_rows(results)
    Task.objects.filter(pk__in=[r.task_id for r in results]).update(status=TaskStatus.DONE)
    fields = ("task_id", "version", "result", "findings", "checked_on", "published_at")
    by_region: dict[str, list[TaskResult]] = {}
    for record in results:
        by_region.setdefault(record.task.region.code, []).append(record)
    for code, records in by_region.items():
        changes = (
            RowChange(r.pk, str(r), {f: (None, getattr(r, f)) for f in fields}, True)
            for r in records
        )
        log_rows(regulators[code], TaskResult, changes, {"demo": "supervision"})
        done = (
            RowChange(r.task_id, str(r.task), {"status": (TaskStatus.ASSIGNED, TaskStatus.DONE)})
            for r in records
        )
        log_rows(regulators[code], Task, done, {"demo": "supervision"})
    for record in results:
        record.task.status = TaskStatus.DONE
    for code, records in by_region.items():
        results_services.apply_risk_rules(regulators[code], records)
    events.record_many("results", results)


def _run_ceremony(
    regulators: dict[str, User], batch: Batch, ceremony: Ceremony, codes: list[str], seed: int
) -> None:
    for code in codes:
        commit = commit_for(ceremony.label, code, _reveal(seed, ceremony.label, code))
        services.commit_seed(regulators[code], ceremony, commit)
    if ceremony.uses_public_value:
        rng = random.Random(seed + ceremony.pk)
        dice = " ".join(str(rng.randint(1, 6)) for _ in range(6))
        services.enter_public_value(regulators[batch.plan.region.code], ceremony, dice)
    for code in codes:
        services.reveal_seed(regulators[code], ceremony, _reveal(seed, ceremony.label, code))


def load(seed: int) -> str:
    rng = random.Random(seed + 11)
    regions = {r.code: r for r in Region.objects.filter(is_active=True).order_by("code")}
    regulators = {code: _regulator(region) for code, region in regions.items()}
    _ensure_capacity(regulators, tuple(regions))
    items = {
        code: _item(region, regulators[code], f"{code}-SJ-01") for code, region in regions.items()
    }
    joint = [regions[c] for c in JOINT_REGIONS]
    plan = _plan(
        regulators["11"], regions["11"], "京津冀检验检测机构联合双随机抽查", joint, items["11"]
    )
    batch = services.create_batch(regulators["11"], plan)
    frozen = services.freeze_snapshot(
        regulators["11"], batch, public_value_source="现场掷骰子（六颗）"
    )
    # read again: the returned ceremony's batch still holds the frozen targets.csv
    ceremony = Ceremony.objects.get(pk=frozen.pk)
    del frozen
    _run_ceremony(regulators, batch, ceremony, list(JOINT_REGIONS), seed)
    del ceremony
    _replace_one(regulators, batch)
    tasks = list(batch.tasks.select_related("region", "institution").order_by("target_code"))
    _publish_results(regulators, tasks, rng)
    task_count = len(tasks)
    del tasks  # one object per task (with its institution) until the end of the step otherwise
    own_batches = {}
    for code, region in regions.items():
        own = _plan(
            regulators[code], region, f"{region.short_name}双随机抽查计划", [region], items[code]
        )
        own_batches[code] = services.create_batch(regulators[code], own)
    # 山西's own pool has no outside inspector: its freeze is refused (reason kept on the
    # batch); 内蒙古 records a public decision to staff this batch locally and is drawn.
    with contextlib.suppress(ValidationError):  # the refusal is recorded on the batch
        services.freeze_snapshot(regulators["14"], own_batches["14"])
    relaxed = own_batches["15"]
    ceremony = services.freeze_snapshot(
        regulators["15"], relaxed, relaxation=RELAXATION, relaxed_rule=RegionRuleChoice.ANY
    )
    _run_ceremony(regulators, relaxed, ceremony, ["15"], seed)
    return (
        f"双随机监管：1 个已完成的联合批次（{task_count} 项任务，"
        f"{queries.replacement_tasks(batch).count()} 项递补），"
        "1 个冻结被拒批次，1 个记录放宽决定后抽取的批次，"
        f"{len(regions) - 2} 个待抽取批次"
    )
