"""双随机、一公开: item list, target and inspector directories, plans, batches, ceremonies,
published draws, tasks and results.

Lifecycle fields (status, timestamps, snapshot, seed, manifest) are written only by
``supervision.services``; a published draw (``Draw``) is never changed — a redraw is a new
``Batch`` linked by ``redraw_of`` with its reason.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.digesting import digest_field
from ticcoop.evidence import EvidenceFileBase
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert, Institution, RiskClass
from ticcoop.supervision.deferred import (
    BatchForeignKey,
    BatchManager,
    DrawManager,
    LargeOneToOneField,
)

rate_validator = RegexValidator(
    r"^(0(\.\d{1,4})?|1(\.0{1,4})?)$", _("抽查比例应为 0 到 1 之间的小数，如 0.05")
)


class InspectionItem(models.Model):
    """抽查事项清单 entry; rates differ by credit-risk class (A lowest … D highest)."""

    region_path = "region"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("发布地区"))
    number = models.CharField(_("事项编号"), max_length=32)
    name = models.CharField(_("抽查事项"), max_length=128)
    sub_item = models.CharField(_("抽查子项"), max_length=128, blank=True)
    legal_basis = models.TextField(_("法律依据"))
    authority = models.CharField(_("检查主体"), max_length=128)
    object_type = models.CharField(
        _("检查对象"), max_length=64, help_text=_("与检查对象名录库的“对象类型”一致")
    )
    rate_a = models.CharField(_("A类抽查比例"), max_length=8, validators=[rate_validator])
    rate_b = models.CharField(_("B类抽查比例"), max_length=8, validators=[rate_validator])
    rate_c = models.CharField(_("C类抽查比例"), max_length=8, validators=[rate_validator])
    rate_d = models.CharField(_("D类抽查比例"), max_length=8, validators=[rate_validator])
    frequency = models.CharField(_("抽查频次"), max_length=64)
    method = models.CharField(_("检查方式"), max_length=128)
    inspector_requirements = models.CharField(_("检查人员要求"), max_length=256, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)

    class Meta:
        ordering = ["region__code", "number"]
        verbose_name = _("抽查事项")
        verbose_name_plural = _("抽查事项清单")
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="unique_item_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def display_number(self) -> str:
        """The number with the region code in front, once: "11-SJ-01" stays as it is, "SJ-01"
        of Beijing is shown as "11-SJ-01" (numbers are unique per region only)."""
        prefix = f"{self.region.code}-"
        return self.number if self.number.startswith(prefix) else prefix + self.number

    def rate_for(self, risk_class: str) -> str:
        return str(getattr(self, f"rate_{risk_class.lower()}"))


class TargetStatus(models.TextChoices):
    ACTIVE = "active", _("存续")
    CLOSED = "closed", _("注销/吊销")


class Target(models.Model):
    """检查对象名录库: other market entities, bulk-imported (institutions: the registry)."""

    region_path = "region"

    code = models.CharField(_("对象编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所属地区"))
    entity_type = models.CharField(_("对象类型"), max_length=64)
    size = models.CharField(_("规模"), max_length=32, blank=True)
    sector = models.CharField(_("行业"), max_length=64, blank=True)
    area = models.CharField(_("区域"), max_length=64, blank=True)
    related = models.CharField(
        _("关联单位"), max_length=256, blank=True, help_text=_("分号分隔的关联单位编号（回避用）")
    )
    risk_class = models.CharField(
        _("信用风险分类"), max_length=1, choices=RiskClass.choices, default=RiskClass.B
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=TargetStatus.choices, default=TargetStatus.ACTIVE
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象名录库")
        indexes = [models.Index(fields=["region", "entity_type"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TargetImport(models.Model):
    """One bulk import of the target directory (who, which file, how many rows)."""

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    file_name = models.CharField(_("文件"), max_length=256)
    sha256 = digest_field(_("文件摘要（SHA-256 或 SM3）"))
    rows = models.PositiveIntegerField(_("行数"))
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("名录导入记录")
        verbose_name_plural = _("名录导入记录")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows})"


class InspectorAvailability(models.Model):
    """Supervision-side record of an inspector (registry.Expert with is_inspector)."""

    region_path = "expert__region"

    expert = models.OneToOneField(
        Expert, on_delete=models.CASCADE, related_name="availability", verbose_name=_("检查人员")
    )
    capacity = models.PositiveSmallIntegerField(
        _("每批次最多任务数"), default=3, validators=[MaxValueValidator(50)]
    )
    available = models.BooleanField(_("可参加抽查"), default=True)
    # 跨区域协作: listed in the pools of other regions' plans too, so a single-region plan
    # whose rule asks for outside inspectors can be staffed.
    cross_region = models.BooleanField(_("可参加其他地区的抽查"), default=False)
    note = models.CharField(_("说明"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("检查人员可用情况")
        verbose_name_plural = _("检查人员可用情况")

    def __str__(self) -> str:
        return str(self.expert)


class Frequency(models.TextChoices):
    ONCE = "once", _("一次")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")


class RegionRuleChoice(models.TextChoices):
    AT_LEAST_ONE_OTHER = "at_least_one_other", _("至少一名外地区人员")
    ALL_OTHER = "all_other", _("全部为外地区人员（交叉检查）")
    ANY = "any", _("不限")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公示")


class InspectionPlan(models.Model):
    """抽查计划 (annual); joint when several regions participate."""

    region_path = "region"

    title = models.CharField(_("计划名称"), max_length=128)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2020), MaxValueValidator(2100)]
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("牵头地区"))
    regions = models.ManyToManyField(Region, related_name="joint_plans", verbose_name=_("参与地区"))
    items = models.ManyToManyField(InspectionItem, verbose_name=_("抽查事项"))
    frequency = models.CharField(
        _("频次"), max_length=16, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    starts_on = models.DateField(_("开始日期"))
    team_size = models.PositiveSmallIntegerField(
        _("检查组人数"), default=2, validators=[MinValueValidator(2), MaxValueValidator(9)]
    )
    region_rule = models.CharField(
        _("检查组地区规则"),
        max_length=24,
        choices=RegionRuleChoice.choices,
        default=RegionRuleChoice.AT_LEAST_ONE_OTHER,
    )
    replacements = models.PositiveSmallIntegerField(
        _("每层递补名单人数"), default=2, validators=[MaxValueValidator(20)]
    )
    recusal_rounds = models.PositiveSmallIntegerField(
        _("回避批次数"), default=1, help_text=_("检查人员回避其前 N 批次检查过的对象")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "region__code", "title"]
        verbose_name = _("抽查计划")
        verbose_name_plural = _("抽查计划")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class BatchStatus(models.TextChoices):
    OPEN = "open", _("待冻结名录")
    FROZEN = "frozen", _("名录已冻结，摇号进行中")
    DRAWN = "drawn", _("已抽取并公示")


class Batch(models.Model):
    """One draw of a plan: snapshot → ceremony → draw → tasks."""

    region_path = "plan__region"

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, related_name="batches", verbose_name=_("计划")
    )
    period = models.CharField(_("批次"), max_length=16, help_text=_("如 2025-09、2025Q3"))
    due_on = models.DateField(_("计划抽取日期"))
    status = models.CharField(
        _("状态"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.OPEN
    )
    redraw_of = LargeOneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redrawn_by",
        verbose_name=_("重新抽取的原批次"),
    )
    redraw_reason = models.CharField(_("重新抽取原因"), max_length=256, blank=True)
    targets_csv = models.BinaryField(_("检查对象快照"), default=b"", editable=False)
    inspectors_csv = models.BinaryField(_("检查人员快照"), default=b"", editable=False)
    snapshot_document = models.TextField(_("快照文件"), blank=True, editable=False)
    snapshot_sha256 = digest_field(_("快照哈希"), blank=True, editable=False)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    # The freeze check (docs/methods/feasibility.md): its JSON report, the last refusal
    # shown to the regulator, and a recorded decision to freeze anyway (published).
    feasibility = models.TextField(_("配齐检查组核验结果"), blank=True, editable=False)
    refusal = models.TextField(_("冻结被拒原因"), blank=True, editable=False)
    refused_at = models.DateTimeField(_("冻结被拒时间"), null=True, blank=True)
    relaxation = models.CharField(_("放宽决定"), max_length=256, blank=True)
    relaxed_rule = models.CharField(
        _("本批次检查组地区规则"), max_length=24, choices=RegionRuleChoice.choices, blank=True
    )
    relaxed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("放宽决定人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = BatchManager()

    class Meta:
        ordering = ["-due_on", "-pk"]
        verbose_name = _("抽查批次")
        verbose_name_plural = _("抽查批次")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "period"],
                condition=models.Q(redraw_of__isnull=True),
                name="unique_batch_period",
            )
        ]

    def __str__(self) -> str:
        suffix = _("（重新抽取）") if self.redraw_of_id else ""
        return f"{self.plan.title} {self.period}{suffix}"

    @property
    def code(self) -> str:
        return f"SUP-{self.plan.year}-{self.pk:05d}"

    @property
    def region_rule(self) -> str:
        """The rule this batch's teams follow: the plan's, unless relaxed by a decision."""
        return self.relaxed_rule or self.plan.region_rule


class CeremonyStatus(models.TextChoices):
    COMMITTING = "committing", _("提交承诺值")
    REVEALING = "revealing", _("公开随机数")
    COMPLETED = "completed", _("已完成")
    FAILED = "failed", _("失败")


class Ceremony(models.Model):
    """Commit–reveal seed ceremony of a batch; a failed one is kept and restarted as a new one."""

    region_path = "batch__plan__region"

    batch = BatchForeignKey(
        Batch, on_delete=models.PROTECT, related_name="ceremonies", verbose_name=_("批次")
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    label = models.CharField(_("仪式编号"), max_length=64, unique=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=CeremonyStatus.choices, default=CeremonyStatus.COMMITTING
    )
    commit_deadline = models.DateTimeField(_("承诺截止"))
    reveal_deadline = models.DateTimeField(_("公开截止"))
    uses_public_value = models.BooleanField(_("使用公开随机值"), default=False)
    public_value_source = models.CharField(_("公开随机值来源"), max_length=128, blank=True)
    public_value = models.CharField(_("公开随机值"), max_length=128, blank=True)
    restart_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restarted_by",
        verbose_name=_("重新开始的原仪式"),
    )
    failure = models.CharField(_("失败原因"), max_length=512, blank=True)
    seed_input = models.TextField(_("种子输入"), blank=True)
    seed = models.CharField(_("种子"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "number"]
        verbose_name = _("摇号仪式")
        verbose_name_plural = _("摇号仪式")
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="unique_ceremony_number")
        ]

    def __str__(self) -> str:
        return self.label


class Commitment(models.Model):
    """One participating region's commit (and later reveal) in a ceremony."""

    region_path = "region"

    ceremony = models.ForeignKey(Ceremony, on_delete=models.PROTECT, related_name="commitments")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("地区"))
    commit = models.CharField(_("承诺值"), max_length=64)
    reveal = models.CharField(_("随机数"), max_length=128, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(_("承诺时间"), auto_now_add=True)
    revealed_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    failed_reveals = models.PositiveSmallIntegerField(_("不匹配的公开次数"), default=0)

    class Meta:
        ordering = ["ceremony", "region__code"]
        verbose_name = _("承诺值")
        verbose_name_plural = _("承诺值")
        constraints = [
            models.UniqueConstraint(fields=["ceremony", "region"], name="unique_commitment")
        ]

    def __str__(self) -> str:
        return f"{self.ceremony} {self.region.code}"


class Draw(models.Model):
    """The published draw of a batch: the signed manifest. Never changed."""

    region_path = "batch__plan__region"

    batch = LargeOneToOneField(Batch, on_delete=models.PROTECT, related_name="draw")
    ceremony = LargeOneToOneField(Ceremony, on_delete=models.PROTECT, related_name="draw")
    manifest = models.BinaryField(_("抽取清单"), editable=False)
    manifest_sha256 = digest_field(_("清单哈希"))
    published_at = models.DateTimeField(_("公示时间"))

    objects = DrawManager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("抽取结果")
        verbose_name_plural = _("抽取结果")

    def __str__(self) -> str:
        return f"{self.batch} {self.manifest_sha256[:12]}"


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待检查")
    UNSTAFFED = "unstaffed", _("检查组未配齐")
    DONE = "done", _("已检查")
    SUPERSEDED = "superseded", _("因重新抽取作废")
    REPLACED = "replaced", _("无法检查，已递补")


class Task(models.Model):
    """One drawn target's inspection (all its drawn items), assigned to a team."""

    region_path = "region"

    batch = BatchForeignKey(Batch, on_delete=models.PROTECT, related_name="tasks")
    target_code = models.CharField(_("对象编号"), max_length=32)
    target_name = models.CharField(_("对象名称"), max_length=128)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("负责地区"))
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    items = models.CharField(_("抽查事项"), max_length=256)
    status = models.CharField(
        _("状态"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    unstaffed_reason = models.CharField(_("未配齐原因"), max_length=256, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("递补的原任务"),
    )
    replacement_no = models.PositiveSmallIntegerField(
        _("递补序号"), null=True, blank=True, help_text=_("本批次第几次递补（复核时按此顺序重放）")
    )
    replacement_reason = models.CharField(_("递补原因"), max_length=256, blank=True)
    members: models.ManyToManyField[Expert, TaskMember] = models.ManyToManyField(
        Expert, through="TaskMember", related_name="+"
    )

    class Meta:
        ordering = ["batch", "target_code"]
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        constraints = [
            models.UniqueConstraint(fields=["batch", "target_code"], name="unique_task_target")
        ]

    def __str__(self) -> str:
        return f"{self.target_name}（{self.batch}）"

    @property
    def unstaffed_reason_text(self) -> str:
        """The stored (English, published) reason in the page language."""
        from ticcoop.supervision.shortfalls import shortfall_sentence

        return shortfall_sentence(self.unstaffed_reason) if self.unstaffed_reason else ""


class TaskMember(models.Model):
    region_path = "task__region"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="team")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, verbose_name=_("检查人员"))
    stage = models.CharField(_("产生方式"), max_length=8)
    rank = models.IntegerField(_("抽取序位"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查组成员")
        verbose_name_plural = _("检查组成员")

    def __str__(self) -> str:
        return f"{self.task} / {self.expert.name}"

    @property
    def stage_label(self) -> str:
        """methods.teams gives the stage as a code ("draw", "repair"); pages show words."""
        labels = {"draw": _("随机抽取"), "repair": _("补足检查组")}
        return str(labels.get(self.stage, self.stage))


class ResultKind(models.TextChoices):
    NO_PROBLEM = "no_problem", _("未发现问题")
    RECTIFY = "rectify", _("发现问题已责令整改")
    FILED = "filed", _("发现问题已立案查处")
    NOT_FOUND = "not_found", _("未找到检查对象")
    REFUSED = "refused", _("不配合检查")
    CLOSED = "closed", _("已注销或停业")


class TaskResult(models.Model):
    """A version of a task's result; published versions are never changed (corrections add one)."""

    region_path = "task__region"

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="results")
    version = models.PositiveSmallIntegerField(_("版本"))
    result = models.CharField(_("检查结果"), max_length=12, choices=ResultKind.choices)
    findings = models.TextField(_("检查发现"), blank=True)
    checked_on = models.DateField(_("检查日期"))
    publication_deadline = models.DateField(_("公示期限"))
    correction_reason = models.CharField(_("更正原因"), max_length=256, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)

    class Meta:
        ordering = ["task", "-version"]
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        constraints = [
            models.UniqueConstraint(fields=["task", "version"], name="unique_result_version")
        ]

    def __str__(self) -> str:
        return f"{self.task} v{self.version}: {self.get_result_display()}"


class EvidenceFile(EvidenceFileBase):
    region_path = "task__region"

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="supervision/evidence/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=256)  # as before the shared base: 256
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["task", "uploaded_at"]
        verbose_name = _("检查证据")
        verbose_name_plural = _("检查证据")

    def __str__(self) -> str:
        return self.name
