"""Append-only score records, computed results, appeals and award certificates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.competitions.models.competition import CONTESTANT_ORGANISER_PATH, SCORE_VALIDATORS
from ticcoop.competitions.models.people import Contestant, Judge


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
