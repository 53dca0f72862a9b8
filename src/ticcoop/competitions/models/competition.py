"""Competitions and their disciplines (stage weights, blind-sample rule, rubric)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.methods.points import DEFAULT_Z_RULE, PointsInputError, ZPointsRule, check_weights
from ticcoop.regions.models import Region

ORGANISER_PATH = "competition__organiser_region"
CONTESTANT_ORGANISER_PATH = "contestant__competition__organiser_region"
SCORE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
SHARE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]


class CompetitionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REGISTRATION_OPEN = "registration_open", _("报名中")
    REGISTRATION_CLOSED = "registration_closed", _("报名截止")
    IN_PROGRESS = "in_progress", _("比赛进行中")
    SCORES_CONFIRMED = "scores_confirmed", _("成绩已确认")
    APPEAL_WINDOW = "appeal_window", _("申诉期")
    RESULTS_PUBLISHED = "results_published", _("结果已公布")


STATUS_ORDER = [value for value, _label in CompetitionStatus.choices]


class JudgeExclusion(models.TextChoices):
    INSTITUTION = "institution", _("回避本机构评委")
    REGION = "region", _("回避本地区评委")


class SigmaRule(models.TextChoices):
    ROBUST_SD = "robust-sd", _("本次结果的稳健标准差 s*（ISO 13528 8.6）")
    FIXED = "fixed", _("固定值（ISO 13528 8.2）")
    PERCENT = "percent", _("指定值的百分比（ISO 13528 8.2）")


class Stage(models.TextChoices):
    THEORY = "theory", _("理论考试")
    BLIND = "blind", _("盲样检测")
    OPERATION = "operation", _("实操评审")


def default_z_rule() -> dict[str, Any]:
    return DEFAULT_Z_RULE.to_dict()


class Competition(models.Model):
    region_path = "organiser_region"

    organiser_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("主办地区")
    )
    title = models.CharField(_("名称"), max_length=128)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    registration_opens = models.DateTimeField(_("报名开始"))
    registration_closes = models.DateTimeField(_("报名截止"))
    schedule = models.TextField(_("日程安排"), blank=True)
    venue = models.CharField(_("比赛地点"), max_length=256, blank=True)
    rules_text = models.TextField(_("竞赛规则"), blank=True)
    status = models.CharField(
        _("状态"), max_length=24, choices=CompetitionStatus.choices, default=CompetitionStatus.DRAFT
    )
    judge_exclusion = models.CharField(
        _("评委回避规则"),
        max_length=16,
        choices=JudgeExclusion.choices,
        default=JudgeExclusion.INSTITUTION,
    )
    z_rule = models.JSONField(_("z 值换算得分规则"), default=default_z_rule)
    gold_share = models.DecimalField(
        _("金奖比例"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.1"),
        validators=SHARE_VALIDATORS,
    )
    silver_share = models.DecimalField(
        _("银奖比例"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.2"),
        validators=SHARE_VALIDATORS,
    )
    bronze_share = models.DecimalField(
        _("铜奖比例"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.3"),
        validators=SHARE_VALIDATORS,
    )
    team_best_n = models.PositiveSmallIntegerField(
        _("团体成绩计入人数"), default=3, validators=[MinValueValidator(1)]
    )
    require_valid_certificate = models.BooleanField(_("要求机构持有效资质认定证书"), default=False)
    draw_seed = models.CharField(_("编号抽签种子"), max_length=64, blank=True)
    appeal_deadline = models.DateTimeField(_("申诉截止"), null=True, blank=True)
    scoring_deadline = models.DateField(
        _("实操评分截止日期"),
        null=True,
        blank=True,
        help_text=_("评委在此日期前提交评分表；提前 7 个和 1 个工作日及逾期时提醒未完成的评委"),
    )
    scores_confirmed_at = models.DateTimeField(_("成绩确认时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("结果公布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year", "-registration_opens", "pk"]
        verbose_name = _("技能比武")
        verbose_name_plural = _("技能比武")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def reached(self, status: str) -> bool:
        """True once the competition is at ``status`` or later in the lifecycle."""
        return STATUS_ORDER.index(self.status) >= STATUS_ORDER.index(status)

    def points_rule(self) -> ZPointsRule:
        return ZPointsRule.from_dict(self.z_rule)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if (
            self.registration_opens
            and self.registration_closes
            and self.registration_closes <= self.registration_opens
        ):
            errors["registration_closes"] = _("报名截止时间必须晚于报名开始时间")
        try:
            self.points_rule()
        except PointsInputError as exc:
            errors["z_rule"] = _("z 值换算规则无效：%(reason)s") % {"reason": exc}
        shares = (self.gold_share or 0) + (self.silver_share or 0) + (self.bronze_share or 0)
        if shares > 1:
            errors["bronze_share"] = _("金、银、铜奖比例之和不能超过 1（现为 %(sum)s）") % {
                "sum": shares
            }
        if errors:
            raise ValidationError(errors)


class Discipline(models.Model):
    """A discipline (比赛项目) with its stage weights, blind-sample rule and rubric."""

    region_path = ORGANISER_PATH

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="disciplines", verbose_name=_("比武")
    )
    code = models.SlugField(_("项目代码"), max_length=8, help_text=_("如 HX、WSW，用于编号"))
    name = models.CharField(_("项目名称"), max_length=64)
    weight_theory = models.DecimalField(
        _("理论考试权重"), max_digits=4, decimal_places=3, validators=SHARE_VALIDATORS
    )
    weight_blind = models.DecimalField(
        _("盲样检测权重"), max_digits=4, decimal_places=3, validators=SHARE_VALIDATORS
    )
    weight_operation = models.DecimalField(
        _("实操评审权重"), max_digits=4, decimal_places=3, validators=SHARE_VALIDATORS
    )
    quota_per_institution = models.PositiveSmallIntegerField(
        _("每个机构名额"), default=2, validators=[MinValueValidator(1)]
    )
    blind_sample = models.CharField(_("盲样及检测项目"), max_length=128, blank=True)
    blind_unit = models.CharField(_("结果单位"), max_length=16, blank=True)
    reference_value = models.FloatField(
        _("盲样参考值"), null=True, blank=True, help_text=_("留空则以参赛结果的稳健平均值为指定值")
    )
    sigma_rule = models.CharField(
        _("能力评定标准差规则"),
        max_length=16,
        choices=SigmaRule.choices,
        default=SigmaRule.ROBUST_SD,
    )
    sigma_value = models.FloatField(_("标准差取值"), null=True, blank=True)
    rubric = models.JSONField(
        _("实操评分细则"), default=list, blank=True, help_text=_('[{"item": "…", "max": 20}, …]')
    )

    class Meta:
        ordering = ["competition", "code"]
        verbose_name = _("比赛项目")
        verbose_name_plural = _("比赛项目")
        constraints = [
            models.UniqueConstraint(fields=["competition", "code"], name="unique_discipline_code")
        ]

    def __str__(self) -> str:
        return self.name

    def weights(self) -> dict[str, float]:
        return {
            "theory": float(self.weight_theory),
            "blind": float(self.weight_blind),
            "operation": float(self.weight_operation),
        }

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if None not in (self.weight_theory, self.weight_blind, self.weight_operation):
            try:
                check_weights(self.weights())
            except PointsInputError:
                errors["weight_operation"] = _("三个环节的权重之和必须为 1（现为 %(sum)s）") % {
                    "sum": self.weight_theory + self.weight_blind + self.weight_operation
                }
        if self.sigma_rule != SigmaRule.ROBUST_SD and not (self.sigma_value or 0) > 0:
            errors["sigma_value"] = _("所选标准差规则需要填写大于 0 的取值")
        rubric_error = rubric_problem(self.rubric)
        if rubric_error:
            errors["rubric"] = rubric_error
        if errors:
            raise ValidationError(errors)


def rubric_problem(rubric: Any) -> str:
    """Empty when the rubric is valid: a list of {item, max} whose maxima sum to 100."""
    if rubric in (None, []):
        return ""
    if not isinstance(rubric, list) or not all(
        isinstance(row, dict) and row.get("item") and isinstance(row.get("max"), int | float)
        for row in rubric
    ):
        return str(_('评分细则应为 [{"item": 名称, "max": 满分}, …]'))
    total = sum(row["max"] for row in rubric)
    if total != 100:
        return str(_("评分细则各项满分之和必须为 100（现为 %(total)s）") % {"total": total})
    return ""
