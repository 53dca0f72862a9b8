"""Cross mutual inspection campaigns: rotation, drawn targets, teams, findings, rectification.

"在交叉互查工作中，秉持公正、严谨的态度，查找问题，交流经验，共同进步" — one region's team
inspects another region's institutions, never its own; the rotation, the targets and the teams
come from one published seed (docs/methods/rotation.md) and never change once drawn.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticcoop.assessments.models import CriteriaClause, Severity
from ticcoop.digesting import digest_field
from ticcoop.evidence import EvidenceFileBase
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert, Institution


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    DRAWN = "drawn", _("已抽取轮换")
    IN_PROGRESS = "in_progress", _("检查中")
    CLOSED = "closed", _("已结束")


class Campaign(models.Model):
    """One year's cross inspection, organised by the convening region's regulator."""

    region_path = "organiser"

    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=128)
    organiser = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头地区")
    )
    participants = models.ManyToManyField(
        Region, related_name="cross_campaigns", verbose_name=_("参加地区")
    )
    risk_classes = models.CharField(
        _("风险分类范围"), max_length=4, default="ABCD", help_text=_("例如 CD：只抽C、D类机构")
    )
    fields = models.CharField(
        _("领域范围"),
        max_length=256,
        blank=True,
        help_text=_("证书能力范围类别，用顿号或逗号分隔；空表示不限"),
    )
    items = models.TextField(_("检查事项"), help_text=_("每行一项"))
    per_region = models.PositiveSmallIntegerField(_("每地区检查机构数"), default=3)
    pattern_k = models.PositiveSmallIntegerField(
        _("每地区被几个地区检查"), default=1, help_text=_("1 表示每地区检查一次、被检查一次")
    )
    no_mutual = models.BooleanField(_("禁止两地互相检查"), default=True)
    team_size = models.PositiveSmallIntegerField(_("检查组人数"), default=2)
    inspector_cap = models.PositiveSmallIntegerField(_("每名检查人员最多检查机构数"), default=2)
    deadline_days = models.PositiveSmallIntegerField(_("整改期限（工作日）"), default=20)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上一轮互查"),
        help_text=_("其检查对子尽量不重复"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    seed = models.CharField(_("公开随机种子"), max_length=128, blank=True)
    snapshot = digest_field(_("输入快照哈希"), blank=True)
    candidate = models.CharField(_("选中的轮换方案"), max_length=512, blank=True)
    candidate_ticket = models.CharField(_("方案签号"), max_length=96, blank=True)
    candidate_position = models.PositiveIntegerField(_("方案序位"), null=True, blank=True)
    candidate_count = models.PositiveIntegerField(_("候选方案数"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("抽取人"),
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("交叉互查")
        verbose_name_plural = _("交叉互查")

    def __str__(self) -> str:
        # Titles usually name their year ("2026年度…"): print the year once.
        return self.title if str(self.year) in self.title else f"{self.year} {self.title}"

    @property
    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]

    @property
    def field_list(self) -> list[str]:
        text = self.fields.replace("，", ",").replace("、", ",")
        return [part.strip() for part in text.split(",") if part.strip()]


class CampaignPair(models.Model):
    """One rotation pair: ``inspecting`` region's team inspects ``inspected`` region."""

    region_path = "campaign__organiser"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="pairs", verbose_name=_("互查")
    )
    inspecting = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查方")
    )
    inspected = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("被检查方")
    )
    repeated = models.BooleanField(_("与上一轮重复"), default=False)

    class Meta:
        ordering = ["campaign", "inspecting__code", "inspected__code"]
        verbose_name = _("互查对子")
        verbose_name_plural = _("互查对子")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "inspecting", "inspected"], name="unique_campaign_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(inspecting=models.F("inspected")), name="pair_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspecting.short_name} → {self.inspected.short_name}"


class TargetStatus(models.TextChoices):
    DRAWN = "drawn", _("待检查")
    INSPECTED = "inspected", _("已检查")
    NOT_INSPECTED = "not_inspected", _("未能检查")


class CampaignTarget(models.Model):
    """A drawn institution of the inspected region, with its consistent-sampling ticket."""

    region_path = "pair__inspecting"

    pair = models.ForeignKey(
        CampaignPair, on_delete=models.CASCADE, related_name="targets", verbose_name=_("对子")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("机构")
    )
    ticket = models.CharField(_("签号"), max_length=96)
    rank = models.PositiveSmallIntegerField(_("抽取序位"))
    status = models.CharField(
        _("状态"), max_length=16, choices=TargetStatus.choices, default=TargetStatus.DRAWN
    )
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    summary = models.TextField(_("检查情况"), blank=True)
    shortfall = models.CharField(_("组队不足说明"), max_length=256, blank=True)

    class Meta:
        ordering = ["pair", "rank"]
        verbose_name = _("互查对象")
        verbose_name_plural = _("互查对象")
        constraints = [
            models.UniqueConstraint(fields=["pair", "institution"], name="unique_pair_target")
        ]

    def __str__(self) -> str:
        return f"{self.pair} · {self.institution.name}"

    @property
    def shortfall_text(self) -> str:
        """The stored (English, published) reason in the page language."""
        from ticcoop.supervision.shortfalls import shortfall_sentence

        return shortfall_sentence(self.shortfall) if self.shortfall else ""


class TeamAssignment(models.Model):
    region_path = "target__pair__inspecting"

    target = models.ForeignKey(
        CampaignTarget, on_delete=models.CASCADE, related_name="team", verbose_name=_("对象")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查人员")
    )
    stage = models.CharField(_("产生方式"), max_length=8)
    rank = models.PositiveIntegerField(_("抽取序位"), null=True, blank=True)
    key = models.CharField(_("哈希"), max_length=64)

    class Meta:
        ordering = ["target", "pk"]
        verbose_name = _("检查组成员")
        verbose_name_plural = _("检查组成员")
        constraints = [
            models.UniqueConstraint(fields=["target", "expert"], name="unique_target_member")
        ]

    def __str__(self) -> str:
        return self.expert.name


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    SUBMITTED = "submitted", _("整改待验收")
    RETURNED = "returned", _("整改退回")
    ACCEPTED = "accepted", _("整改已通过")


OPEN_FINDING_STATUSES = (FindingStatus.OPEN, FindingStatus.RETURNED)


class Finding(models.Model):
    """A problem found, against a clause of the unified assessment criteria."""

    region_path = "target__pair__inspecting"

    target = models.ForeignKey(
        CampaignTarget, on_delete=models.PROTECT, related_name="findings", verbose_name=_("对象")
    )
    clause = models.ForeignKey(
        CriteriaClause, on_delete=models.PROTECT, related_name="+", verbose_name=_("评审条款")
    )
    description = models.TextField(_("问题描述"))
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    field = models.CharField(_("领域"), max_length=64, blank=True)
    deadline_days = models.PositiveSmallIntegerField(_("整改期限（工作日）"))
    deadline = models.DateField(_("整改截止日"))
    status = models.CharField(
        _("状态"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    published = models.BooleanField(
        _("公开机构名称"), default=False, help_text=_("否则案例库中隐去机构名称和代码")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("记录人"),
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("验收通过时间"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("互查问题")
        verbose_name_plural = _("互查问题")
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.clause.number} {self.get_severity_display()}：{self.description[:30]}"

    def is_overdue(self, today: date | None = None) -> bool:
        day = today or timezone.localdate()
        return self.status in OPEN_FINDING_STATUSES and self.deadline < day


class RectificationDecision(models.TextChoices):
    PENDING = "pending", _("待验收")
    ACCEPTED = "accepted", _("通过")
    REJECTED = "rejected", _("退回")


class FindingRectification(models.Model):
    """One answer of the inspected institution, and the inspecting side's decision."""

    region_path = "finding__target__pair__inspecting"

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="rectifications", verbose_name=_("问题")
    )
    text = models.TextField(_("整改情况"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提交人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    decision = models.CharField(
        _("验收结果"),
        max_length=16,
        choices=RectificationDecision.choices,
        default=RectificationDecision.PENDING,
    )
    review_note = models.TextField(_("验收意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("验收人"),
    )
    reviewed_at = models.DateTimeField(_("验收时间"), null=True, blank=True)

    class Meta:
        ordering = ["finding", "submitted_at", "pk"]
        verbose_name = _("问题整改")
        verbose_name_plural = _("问题整改")

    def __str__(self) -> str:
        return f"{self.finding} · {self.get_decision_display()}"


class FindingFile(EvidenceFileBase):
    """Evidence of a finding (inspectors) or of its rectification (institution), with its digest."""

    region_path = "finding__target__pair__inspecting"

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="files", verbose_name=_("问题")
    )
    rectification = models.ForeignKey(
        FindingRectification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("整改"),
    )
    file = models.FileField(_("文件"), upload_to="inspections/findings/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("问题证据文件")
        verbose_name_plural = _("问题证据文件")
