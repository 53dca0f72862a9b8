"""Job records: one row per piece of background work, what the job page shows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """Who started what with which inputs; state, progress, result or the precise error.

    ``rows_done``/``rows_total`` are written when the job ends; while it runs the live figures
    live in the queue's key-value store (``ticcoop.jobs.queue``), because an import holds its
    database transaction open and progress written there would not be seen until the end.
    """

    kind = models.CharField(_("类型"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("发起人"),
    )
    language = models.CharField(_("语言"), max_length=16, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    input_file = models.FileField(_("输入文件"), upload_to="jobs/inputs/", blank=True)
    input_name = models.CharField(_("文件名"), max_length=255, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=JobState.choices, default=JobState.QUEUED
    )
    attempt = models.PositiveIntegerField(_("尝试次数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理"), default=0)
    rows_total = models.PositiveIntegerField(_("总数"), default=0)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/results/", blank=True)
    rerun_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("重新运行自")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state"]), models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
