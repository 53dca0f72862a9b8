"""Reported results, item checks, and evaluations with their scores and the published report.

Evaluations store every input and output of the ISO 13528 statistics and become immutable
once the round's report is published.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.proficiency.models.schemes import Measurand, Participant, Round


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
