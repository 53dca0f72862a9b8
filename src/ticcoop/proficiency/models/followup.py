"""Corrective actions that follow questionable or unsatisfactory scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.proficiency.models.evaluation import Performance, Score
from ticcoop.proficiency.models.schemes import Measurand, Round
from ticcoop.registry.models import Institution


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
