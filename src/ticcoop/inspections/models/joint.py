"""Joint inspection tasks (跨区域联合检查): led by one region, accepted by every participant."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.evidence import EvidenceFileBase
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert, Institution


class JointTaskKind(models.TextChoices):
    MULTI_SITE = "multi_site", _("跨地区多场所机构")
    COMPLAINT = "complaint", _("跨地区投诉举报")
    REFERRAL = "referral", _("案件移送")
    OTHER = "other", _("其他")


class JointTaskStatus(models.TextChoices):
    PROPOSED = "proposed", _("已提议")
    ACCEPTED = "accepted", _("各方已确认")
    IN_PROGRESS = "in_progress", _("检查中")
    REPORTED = "reported", _("已提交报告")
    CLOSED = "closed", _("已结束")


class JointTask(models.Model):
    region_path = "lead_region"

    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("任务名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=16, choices=JointTaskKind.choices)
    lead_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头地区")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("涉及机构"),
    )
    scope = models.TextField(_("检查范围"))
    planned_start = models.DateField(_("计划开始"))
    planned_end = models.DateField(_("计划结束"))
    status = models.CharField(
        _("状态"), max_length=16, choices=JointTaskStatus.choices, default=JointTaskStatus.PROPOSED
    )
    report = models.TextField(_("检查报告"), blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提议人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("联合检查任务")
        verbose_name_plural = _("联合检查任务")

    def __str__(self) -> str:
        return self.title


class JointTaskRegion(models.Model):
    """A participating region (not the lead) and its acceptance."""

    region_path = "region"

    task = models.ForeignKey(
        JointTask, on_delete=models.CASCADE, related_name="participants", verbose_name=_("任务")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("参加地区")
    )
    accepted_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )

    class Meta:
        ordering = ["task", "region__code"]
        verbose_name = _("联合检查参加地区")
        verbose_name_plural = _("联合检查参加地区")
        constraints = [
            models.UniqueConstraint(fields=["task", "region"], name="unique_task_region")
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.region.short_name}"


class JointTaskMember(models.Model):
    region_path = "task__lead_region"

    task = models.ForeignKey(
        JointTask, on_delete=models.CASCADE, related_name="members", verbose_name=_("任务")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查人员")
    )
    is_leader = models.BooleanField(_("组长"), default=False)

    class Meta:
        ordering = ["task", "-is_leader", "pk"]
        verbose_name = _("联合检查组成员")
        verbose_name_plural = _("联合检查组成员")
        constraints = [
            models.UniqueConstraint(fields=["task", "expert"], name="unique_joint_member")
        ]

    def __str__(self) -> str:
        return self.expert.name


class JointTaskNote(models.Model):
    region_path = "task__lead_region"

    task = models.ForeignKey(
        JointTask, on_delete=models.CASCADE, related_name="notes", verbose_name=_("任务")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("作者")
    )
    text = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["task", "created_at", "pk"]
        verbose_name = _("联合检查记录")
        verbose_name_plural = _("联合检查记录")

    def __str__(self) -> str:
        return self.text[:40]


class JointTaskFile(EvidenceFileBase):
    region_path = "task__lead_region"

    task = models.ForeignKey(
        JointTask, on_delete=models.CASCADE, related_name="files", verbose_name=_("任务")
    )
    file = models.FileField(_("文件"), upload_to="inspections/joint/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["task", "pk"]
        verbose_name = _("联合检查文件")
        verbose_name_plural = _("联合检查文件")


class CaseHandover(models.Model):
    """Hand-over of a case to the competent region (案件移交), recorded."""

    region_path = "task__lead_region"

    task = models.ForeignKey(
        JointTask, on_delete=models.CASCADE, related_name="handovers", verbose_name=_("任务")
    )
    to_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("移交至")
    )
    summary = models.TextField(_("移交事项"))
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("移交人"),
    )
    handed_over_at = models.DateTimeField(_("移交时间"), auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接收人"),
    )
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)

    class Meta:
        ordering = ["task", "pk"]
        verbose_name = _("案件移交")
        verbose_name_plural = _("案件移交")

    def __str__(self) -> str:
        return f"{self.task} → {self.to_region.short_name}"
