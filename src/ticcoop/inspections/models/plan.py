"""The yearly action plan (行动计划): items with owners, milestones, and measured progress.

Progress is not typed in: each item names a metric (``inspections.metrics.METRICS``) that is
computed from the platform's records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.regions.models import Region


class PlanArea(models.TextChoices):
    CERTIFICATES = "certificates", _("资质认定证书一体化")
    ASSESSMENT = "assessment", _("统一评审条件")
    PT = "pt", _("能力验证")
    COMPETITION = "competition", _("技能比武")
    CROSS_INSPECTION = "cross_inspection", _("交叉互查")
    JOINT_INSPECTION = "joint_inspection", _("联合检查")
    DOUBLE_RANDOM = "double_random", _("双随机、一公开")


class ActionPlan(models.Model):
    region_path = "convener"

    year = models.PositiveIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=160)
    convener = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("轮值牵头地区")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("区域合作行动计划")
        verbose_name_plural = _("区域合作行动计划")

    def __str__(self) -> str:
        return self.title


class ActionItem(models.Model):
    region_path = "lead_region"

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("行动计划")
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("任务"), max_length=160)
    area = models.CharField(_("合作领域"), max_length=24, choices=PlanArea.choices)
    lead_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头地区")
    )
    co_owners = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name=_("配合地区")
    )
    description = models.TextField(_("工作内容"), blank=True)
    deadline = models.DateField(_("完成时限"))
    metric = models.CharField(_("进度指标"), max_length=48, blank=True)
    target = models.PositiveIntegerField(
        _("目标值"), null=True, blank=True, help_text=_("计数类指标的目标数量；比例类指标留空")
    )

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("行动计划任务")
        verbose_name_plural = _("行动计划任务")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_action_item_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Milestone(models.Model):
    region_path = "item__lead_region"

    item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("任务")
    )
    title = models.CharField(_("节点"), max_length=160)
    due = models.DateField(_("节点时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )

    class Meta:
        ordering = ["item", "due", "pk"]
        verbose_name = _("任务节点")
        verbose_name_plural = _("任务节点")

    def __str__(self) -> str:
        return self.title
