"""Schemes with their measurands and statistics settings, rounds, reference values, participants."""

from __future__ import annotations

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
