"""Joint proficiency testing (能力验证): schemes, rounds, participants, results, evaluations.

A scheme is organised by one region (``organising_region``); institutions of every region take
part. Evaluations store every input and output of the ISO 13528 statistics and become
immutable once the round's report is published.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution

ORGANISER = "scheme__organising_region"


class AssignedValueMethod(models.TextChoices):
    CONSENSUS = "consensus", _("参加者公议值（稳健统计）")
    FORMULATION = "formulation", _("配制值")
    CERTIFIED = "certified", _("有证标准物质认定值")
    EXPERT = "expert", _("专家实验室公议值")


class SigmaMethod(models.TextChoices):
    FIXED = "fixed", _("适用性：固定值")
    PERCENT = "percent", _("适用性：x_pt 的百分比")
    HORWITZ = "horwitz", _("Horwitz 公式")
    PREVIOUS = "previous", _("以往轮次")
    ROBUST_SD = "robust_sd", _("本轮稳健标准差")


class RobustMethod(models.TextChoices):
    ALGORITHM_A = "algorithm-a", _("算法 A")
    Q_HAMPEL = "q-hampel", _("Q/Hampel 法")


class StoppingRule(models.TextChoices):
    SIG3 = "sig3", _("第三位有效数字不变")
    TOL = "tol", _("相对容差")


class CensorRule(models.TextChoices):
    EXCLUDE = "exclude", _("剔除")
    LIMIT = "limit", _("取限值")
    HALF_LIMIT = "half-limit", _("“<”取限值的一半")


class Scheme(models.Model):
    """A PT scheme (能力验证计划) run by one region's provider for institutions of all regions."""

    region_path = "organising_region"

    code = models.CharField(_("计划编号"), max_length=32, unique=True)
    name = models.CharField(_("计划名称"), max_length=128)
    organising_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, verbose_name=_("组织地区")
    )
    provider_name = models.CharField(_("能力验证提供者"), max_length=128)
    field = models.CharField(_("领域"), max_length=64, db_index=True)
    method_requirements = models.TextField(_("方法要求"), blank=True)
    x_pt_method = models.CharField(
        _("指定值确定方式"),
        max_length=16,
        choices=AssignedValueMethod.choices,
        default=AssignedValueMethod.CONSENSUS,
    )
    robust_method = models.CharField(
        _("稳健统计方法"),
        max_length=16,
        choices=RobustMethod.choices,
        default=RobustMethod.ALGORITHM_A,
    )
    stopping_rule = models.CharField(
        _("迭代终止规则"), max_length=8, choices=StoppingRule.choices, default=StoppingRule.SIG3
    )
    censor_rule = models.CharField(
        _("删失值处理"), max_length=16, choices=CensorRule.choices, default=CensorRule.EXCLUDE
    )
    sigma_method = models.CharField(
        _("能力评定标准差确定方式"),
        max_length=16,
        choices=SigmaMethod.choices,
        default=SigmaMethod.PERCENT,
    )
    min_participants = models.PositiveSmallIntegerField(_("最少参加者数"), default=12)
    corrective_action_days = models.PositiveSmallIntegerField(_("整改期限（天）"), default=30)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["organising_region__code", "code"]
        verbose_name = _("能力验证计划")
        verbose_name_plural = _("能力验证计划")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Measurand(models.Model):
    """A quantity measured in the scheme, with what its sigma_pt needs."""

    region_path = ORGANISER

    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="measurands", verbose_name=_("计划")
    )
    name = models.CharField(_("测量项目"), max_length=64)
    unit = models.CharField(_("单位"), max_length=32)
    decimals = models.PositiveSmallIntegerField(_("报告小数位数"), default=2)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    sigma_value = models.FloatField(
        _("σ_pt 值"),
        null=True,
        blank=True,
        help_text=_("固定值/以往轮次的 σ_pt；按本轮稳健标准差时作为均匀性检验的预期 σ_pt"),
    )
    sigma_percent = models.FloatField(_("σ_pt 占 x_pt 的百分比"), null=True, blank=True)
    mass_fraction_per_unit = models.FloatField(
        _("单位对应的质量分数"),
        null=True,
        blank=True,
        help_text=_("Horwitz 公式用，如 mg/kg 为 1e-6"),
    )

    class Meta:
        ordering = ["scheme", "order", "pk"]
        verbose_name = _("测量项目")
        verbose_name_plural = _("测量项目")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="pt_unique_measurand")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"

    def clean(self) -> None:
        method = self.scheme.sigma_method if self.scheme_id else None
        needs = {
            SigmaMethod.FIXED: ("sigma_value", self.sigma_value),
            SigmaMethod.PREVIOUS: ("sigma_value", self.sigma_value),
            SigmaMethod.PERCENT: ("sigma_percent", self.sigma_percent),
            SigmaMethod.HORWITZ: ("mass_fraction_per_unit", self.mass_fraction_per_unit),
        }
        if method in needs:
            name, value = needs[SigmaMethod(method)]
            if value is None or value <= 0:
                raise ValidationError({name: _("此计划的 σ_pt 确定方式需要一个正数")})
        if self.decimals > 8:
            raise ValidationError({"decimals": _("小数位数不能超过 8")})


class RoundStatus(models.TextChoices):
    ENROLMENT = "enrolment", _("报名中")
    DISPATCHED = "dispatched", _("样品已发放")
    CLOSED = "closed", _("结果已截止")
    EVALUATED = "evaluated", _("已评价")
    PUBLISHED = "published", _("报告已发布")


class Round(models.Model):
    """One round of a scheme with its timeline; transitions only through services."""

    region_path = ORGANISER

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("计划")
    )
    code = models.CharField(_("轮次编号"), max_length=32, unique=True)
    title = models.CharField(_("名称"), max_length=128)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.ENROLMENT
    )
    enrolment_deadline = models.DateTimeField(_("报名截止"))
    results_due = models.DateTimeField(_("结果提交截止"))
    dispatched_at = models.DateTimeField(_("样品发放时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结果截止时间"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("报告发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-results_due", "code"]
        verbose_name = _("能力验证轮次")
        verbose_name_plural = _("能力验证轮次")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        both = self.enrolment_deadline and self.results_due
        if both and self.results_due <= self.enrolment_deadline:
            raise ValidationError({"results_due": _("结果提交截止须晚于报名截止")})


class ReferenceValue(models.Model):
    """Per round and measurand: formulation value, certified value or experts' results."""

    region_path = "round__scheme__organising_region"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="references")
    measurand = models.ForeignKey(Measurand, on_delete=models.CASCADE, verbose_name=_("测量项目"))
    value = models.FloatField(_("配制值/认定值"), null=True, blank=True)
    uncertainty = models.FloatField(
        _("不确定度"),
        null=True,
        blank=True,
        help_text=_("配制值：标准不确定度 u；认定值：扩展不确定度 U"),
    )
    k = models.FloatField(_("包含因子 k"), default=2.0)
    expert_results = models.JSONField(_("专家实验室结果"), default=list, blank=True)

    class Meta:
        verbose_name = _("参考值")
        verbose_name_plural = _("参考值")
        constraints = [
            models.UniqueConstraint(fields=["round", "measurand"], name="pt_unique_reference")
        ]

    def __str__(self) -> str:
        return f"{self.round.code} {self.measurand.name}"


class Participant(models.Model):
    """An enrolled institution with its random, confidential participant code."""

    region_path = "round__scheme__organising_region"

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="participants", verbose_name=_("轮次")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="pt_participations",
        verbose_name=_("机构"),
    )
    code = models.CharField(_("参加者代码"), max_length=16)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    enrolled_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        ordering = ["round", "code"]
        verbose_name = _("参加者")
        verbose_name_plural = _("参加者")
        constraints = [
            models.UniqueConstraint(fields=["round", "institution"], name="pt_enrol_once"),
            models.UniqueConstraint(fields=["round", "code"], name="pt_unique_code"),
        ]

    def __str__(self) -> str:
        return self.code


class ResultSource(models.TextChoices):
    WEB = "web", _("网页填报")
    FILE = "file", _("文件上传")
    API = "api", _("接口")


class Result(models.Model):
    """One reported result; a correction is a new version, the latest version counts."""

    region_path = "participant__round__scheme__organising_region"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="results")
    measurand = models.ForeignKey(Measurand, on_delete=models.PROTECT, verbose_name=_("测量项目"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    reported = models.CharField(_("报告值"), max_length=32, help_text=_("如 12.3、<0.5、>100"))
    value = models.FloatField(_("数值"))
    censor = models.SmallIntegerField(_("删失标记"), default=0, help_text=_("-1 “<”，1 “>”"))
    expanded_u = models.FloatField(_("扩展不确定度 U"), null=True, blank=True)
    k = models.FloatField(_("包含因子 k"), null=True, blank=True)
    method = models.CharField(_("检测方法"), max_length=128, blank=True)
    source = models.CharField(
        _("来源"), max_length=8, choices=ResultSource.choices, default=ResultSource.WEB
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        ordering = ["participant", "measurand", "version"]
        verbose_name = _("检测结果")
        verbose_name_plural = _("检测结果")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "measurand", "version"], name="pt_result_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant.code} {self.measurand.name} v{self.version}: {self.reported}"


class CheckKind(models.TextChoices):
    HOMOGENEITY = "homogeneity", _("均匀性")
    STABILITY = "stability", _("稳定性")


class CheckDecision(models.TextChoices):
    NONE = "", _("未决定")
    ACCEPT = "accept", _("接受，照常评价")
    INCLUDE_U = "include_u", _("计入指定值不确定度")
    WIDEN_SIGMA = "widen_sigma", _("扩大 σ_pt")


class ItemCheck(models.Model):
    """Homogeneity (g items × 2 replicates) or stability measurements and their outcome."""

    region_path = "round__scheme__organising_region"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="item_checks")
    measurand = models.ForeignKey(Measurand, on_delete=models.PROTECT, verbose_name=_("测量项目"))
    kind = models.CharField(_("检验"), max_length=16, choices=CheckKind.choices)
    data = models.JSONField(_("测量数据"))
    sigma_pt = models.FloatField(_("检验用 σ_pt"))
    result = models.JSONField(_("计算结果"), default=dict)
    passed = models.BooleanField(_("通过"))
    decision = models.CharField(
        _("未通过时的决定"), max_length=16, choices=CheckDecision.choices, blank=True, default=""
    )
    decision_reason = models.CharField(_("决定理由"), max_length=256, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("样品均匀性/稳定性检验")
        verbose_name_plural = _("样品均匀性/稳定性检验")
        constraints = [
            models.UniqueConstraint(fields=["round", "measurand", "kind"], name="pt_unique_check")
        ]

    def __str__(self) -> str:
        return f"{self.round.code} {self.measurand.name} {self.get_kind_display()}"


class FrozenQuerySet(models.QuerySet[Any]):
    """Refuses bulk update/delete of rows that belong to a published evaluation."""

    def _published(self) -> bool:
        lookup = self.model.frozen_lookup
        return bool(self.filter(**{lookup: False}).exists())

    def update(self, **kwargs: Any) -> int:
        if self._published():
            raise ValidationError(_("已发布的评价不可修改"))
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._published():
            raise ValidationError(_("已发布的评价不可删除"))
        return super().delete()


class Frozen(models.Model):
    """Rows of a published evaluation can be neither changed nor deleted."""

    frozen_lookup: ClassVar[str] = ""
    objects = FrozenQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_is_published():
            raise ValidationError(_("已发布的评价不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._stored_is_published():
            raise ValidationError(_("已发布的评价不可删除"))
        return super().delete(*args, **kwargs)

    def _stored_is_published(self) -> bool:
        if self.pk is None:
            return False
        return bool(type(self)._default_manager.filter(pk=self.pk, **{self.frozen_lookup: False}))


class EvaluationRun(Frozen):
    """One evaluation of a round; a re-evaluation before publication supersedes it."""

    region_path = "round__scheme__organising_region"
    frozen_lookup = "published_at__isnull"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="evaluations")
    number = models.PositiveSmallIntegerField(_("序号"))
    reason = models.CharField(_("（重新）评价理由"), max_length=256, blank=True)
    min_participants_override = models.CharField(
        _("参加者不足仍评价的理由"), max_length=256, blank=True
    )
    software_version = models.CharField(_("软件版本"), max_length=128)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("被取代时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["round", "-number"]
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="pt_evaluation_number")
        ]

    def __str__(self) -> str:
        return f"{self.round.code} #{self.number}"


class MeasurandEvaluation(Frozen):
    """Statistics of one measurand: the stored inputs reproduce the stored outputs."""

    region_path = "run__round__scheme__organising_region"
    frozen_lookup = "run__published_at__isnull"

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="measurands")
    measurand = models.ForeignKey(Measurand, on_delete=models.PROTECT, verbose_name=_("测量项目"))
    inputs = models.JSONField(_("输入"))
    outputs = models.JSONField(_("输出"))
    x_pt = models.FloatField(_("指定值 x_pt"))
    u_x_pt = models.FloatField(_("u(x_pt)"))
    sigma_pt = models.FloatField(_("σ_pt"))
    sigma_basis = models.CharField(_("σ_pt 依据"), max_length=256)
    estimator = models.CharField(_("估计方法"), max_length=32)
    stopping_rule = models.CharField(_("终止规则"), max_length=8, blank=True)
    iterations = models.PositiveIntegerField(_("迭代次数"), default=0)
    p = models.PositiveIntegerField(_("参与统计的结果数"))
    z_used = models.CharField(_("能力评价统计量"), max_length=4)

    class Meta:
        ordering = ["run", "measurand__order", "measurand__pk"]
        verbose_name = _("测量项目评价")
        verbose_name_plural = _("测量项目评价")
        constraints = [
            models.UniqueConstraint(fields=["run", "measurand"], name="pt_evaluation_measurand")
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.measurand.name}"


class Performance(models.TextChoices):
    SATISFACTORY = "satisfactory", _("满意")
    QUESTIONABLE = "questionable", _("有问题")
    UNSATISFACTORY = "unsatisfactory", _("不满意")
    NOT_SCORED = "not scored", _("未评分")


class Score(Frozen):
    """A participant's scores for one measurand in one evaluation."""

    region_path = "evaluation__run__round__scheme__organising_region"
    frozen_lookup = "evaluation__run__published_at__isnull"

    evaluation = models.ForeignKey(
        MeasurandEvaluation, on_delete=models.CASCADE, related_name="scores"
    )
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="scores")
    result = models.ForeignKey(Result, on_delete=models.PROTECT)
    z = models.FloatField(null=True)
    z_prime = models.FloatField(null=True)
    zeta = models.FloatField(null=True)
    en = models.FloatField(null=True)
    performance = models.CharField(_("能力评价"), max_length=16, choices=Performance.choices)
    zeta_class = models.CharField(max_length=16, choices=Performance.choices, blank=True)
    en_class = models.CharField(max_length=16, choices=Performance.choices, blank=True)

    class Meta:
        ordering = ["evaluation", "participant__code"]
        verbose_name = _("评分")
        verbose_name_plural = _("评分")

    def __str__(self) -> str:
        return f"{self.participant.code} {self.performance}"


class Report(models.Model):
    """The published round report (PDF), stored once so it never changes."""

    region_path = "round__scheme__organising_region"

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="report")
    run = models.ForeignKey(EvaluationRun, on_delete=models.PROTECT)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("能力验证报告")
        verbose_name_plural = _("能力验证报告")

    def __str__(self) -> str:
        return f"{self.round.code} {self.sha256[:12]}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已关闭")


class CorrectiveAction(models.Model):
    """Follow-up of a questionable/unsatisfactory result; supervised by the institution's region."""

    region_path = "institution__region"

    score = models.OneToOneField(Score, on_delete=models.PROTECT, related_name="action")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="pt_actions", verbose_name=_("机构")
    )
    round = models.ForeignKey(Round, on_delete=models.PROTECT, verbose_name=_("轮次"))
    measurand = models.ForeignKey(Measurand, on_delete=models.PROTECT, verbose_name=_("测量项目"))
    performance = models.CharField(_("能力评价"), max_length=16, choices=Performance.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    due_date = models.DateField(_("答复期限"))
    root_cause = models.TextField(_("原因分析"), blank=True)
    action = models.TextField(_("纠正措施"), blank=True)
    evidence = models.TextField(_("证据"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("能力验证整改")
        verbose_name_plural = _("能力验证整改")

    def __str__(self) -> str:
        return f"{self.institution} {self.round.code} {self.measurand.name}"
