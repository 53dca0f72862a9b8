"""Skills competitions (技能比武) for the testing staff of the five regions.

A competition is organised by one region and open to the staff of qualified institutions of
all five.  Scores are append-only records: the latest record of a contestant (and judge)
counts, and once the organiser has confirmed the scores a new record needs a reason
(corrections, never edits).  Scoring rules: ticcoop.methods.points and
docs/methods/competition-scoring.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.methods.points import DEFAULT_Z_RULE, PointsInputError, ZPointsRule, check_weights
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert, Institution

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


class ContestantStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已退赛")


ACTIVE_CONTESTANT_STATUSES = (ContestantStatus.PENDING, ContestantStatus.CONFIRMED)


class Contestant(models.Model):
    """A registration, confirmed by the regulator of the institution's region."""

    region_path = "region"

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="contestants", verbose_name=_("比武")
    )
    discipline = models.ForeignKey(
        Discipline, on_delete=models.PROTECT, related_name="contestants", verbose_name=_("项目")
    )
    person_name = models.CharField(_("姓名"), max_length=64)
    staff_number = models.CharField(_("工号"), max_length=32)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在机构")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属地区")
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ContestantStatus.choices,
        default=ContestantStatus.PENDING,
    )
    number = models.CharField(_("参赛号"), max_length=16, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报名人"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=256, blank=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        ordering = ["competition", "discipline", "number", "pk"]
        verbose_name = _("参赛选手")
        verbose_name_plural = _("参赛选手")
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "institution", "staff_number"],
                name="unique_contestant_staff_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_name}（{self.institution}）"


class StageNumber(models.Model):
    """Anonymous number of a contestant in one stage; only the organiser sees the key."""

    region_path = ORGANISER_PATH

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="+")
    contestant = models.ForeignKey(
        Contestant, on_delete=models.CASCADE, related_name="stage_numbers"
    )
    stage = models.CharField(_("环节"), max_length=16, choices=Stage.choices)
    number = models.CharField(_("匿名编号"), max_length=16)

    class Meta:
        ordering = ["competition", "number"]
        verbose_name = _("匿名编号")
        verbose_name_plural = _("匿名编号")
        constraints = [
            models.UniqueConstraint(fields=["contestant", "stage"], name="unique_stage_number"),
            models.UniqueConstraint(fields=["competition", "number"], name="unique_anon_number"),
        ]

    def __str__(self) -> str:
        return self.number


class Judge(models.Model):
    """A judge of one discipline's practical operation, from the shared expert pool."""

    region_path = ORGANISER_PATH

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="judges")
    discipline = models.ForeignKey(
        Discipline, on_delete=models.CASCADE, related_name="judges", verbose_name=_("项目")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("评委")
    )

    class Meta:
        ordering = ["discipline", "pk"]
        verbose_name = _("评委")
        verbose_name_plural = _("评委")
        constraints = [
            models.UniqueConstraint(fields=["discipline", "expert"], name="unique_judge")
        ]

    def __str__(self) -> str:
        return self.expert.name


class ScoreRecord(models.Model):
    """Common part of the append-only score records (the latest one counts)."""

    region_path = CONTESTANT_ORGANISER_PATH

    contestant = models.ForeignKey(
        Contestant, on_delete=models.PROTECT, related_name="+", verbose_name=_("选手")
    )
    reason = models.CharField(_("更正原因"), max_length=256, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["contestant", "pk"]


class TheoryScore(ScoreRecord):
    score = models.DecimalField(
        _("理论成绩"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS
    )
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)

    class Meta(ScoreRecord.Meta):
        verbose_name = _("理论考试成绩")
        verbose_name_plural = _("理论考试成绩")

    def __str__(self) -> str:
        return f"{self.contestant_id}: {self.score}"


class BlindResult(ScoreRecord):
    value = models.FloatField(_("盲样检测结果"))

    class Meta(ScoreRecord.Meta):
        verbose_name = _("盲样检测结果")
        verbose_name_plural = _("盲样检测结果")

    def __str__(self) -> str:
        return f"{self.contestant_id}: {self.value}"


class JudgeScore(ScoreRecord):
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="scores")
    item_scores = models.JSONField(_("分项得分"), default=list, blank=True)
    total = models.DecimalField(
        _("评分"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS
    )

    class Meta(ScoreRecord.Meta):
        verbose_name = _("实操评分")
        verbose_name_plural = _("实操评分")

    def __str__(self) -> str:
        return f"{self.contestant_id} / {self.judge_id}: {self.total}"


class Medal(models.TextChoices):
    GOLD = "gold", _("金奖")
    SILVER = "silver", _("银奖")
    BRONZE = "bronze", _("铜奖")


class Result(models.Model):
    """Computed stage scores, total, rank and medal; rebuilt until results are published."""

    region_path = CONTESTANT_ORGANISER_PATH

    contestant = models.OneToOneField(Contestant, on_delete=models.CASCADE, related_name="result")
    theory = models.DecimalField(_("理论"), max_digits=5, decimal_places=2)
    blind = models.DecimalField(_("盲样"), max_digits=5, decimal_places=2)
    blind_z = models.FloatField(_("z 值"))
    operation = models.DecimalField(_("实操"), max_digits=5, decimal_places=2)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField(_("名次"))
    medal = models.CharField(_("奖项"), max_length=8, choices=Medal.choices, blank=True)
    detail = models.JSONField(_("计算明细"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        ordering = ["contestant__discipline", "rank"]
        verbose_name = _("比武成绩")
        verbose_name_plural = _("比武成绩")

    def __str__(self) -> str:
        return f"{self.contestant} #{self.rank}"


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("申诉成立（已更正）")
    REJECTED = "rejected", _("申诉不成立")


class Appeal(models.Model):
    region_path = CONTESTANT_ORGANISER_PATH

    contestant = models.ForeignKey(
        Contestant, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("选手")
    )
    text = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    answer = models.TextField(_("答复"), blank=True)
    outcome = models.CharField(_("结论"), max_length=16, choices=AppealOutcome.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "pk"]
        verbose_name = _("成绩申诉")
        verbose_name_plural = _("成绩申诉")

    def __str__(self) -> str:
        return f"{self.contestant}: {self.text[:20]}"


class Award(models.Model):
    """An award certificate with its signed token (issuer = organiser region code)."""

    region_path = CONTESTANT_ORGANISER_PATH

    contestant = models.OneToOneField(Contestant, on_delete=models.PROTECT, related_name="award")
    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    medal = models.CharField(_("奖项"), max_length=8, choices=Medal.choices)
    rank = models.PositiveIntegerField(_("名次"))
    token = models.TextField(_("签名令牌"))
    issued_at = models.DateTimeField(_("颁发时间"), auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("获奖证书")
        verbose_name_plural = _("获奖证书")

    def __str__(self) -> str:
        return self.number
