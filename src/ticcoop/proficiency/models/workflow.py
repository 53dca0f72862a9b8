"""The provider's workflow around a round: the instructions document (参加须知), dispatch
records with the lab's receipt confirmation, and deadline extensions (the late-result rule,
docs/methods/pt-workflow.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.proficiency.models.schemes import Participant, Round, RoundStatus


class Instructions(models.Model):
    """One version of a round's instructions to participants (ISO/IEC 17043:2010 4.6.1).

    Before the items are dispatched the provider edits the draft (version 1) in place; from
    dispatch on a version never changes and a correction is a new version with its reason.
    """

    region_path = "round__scheme__organising_region"

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="instructions", verbose_name=_("轮次")
    )
    version = models.PositiveSmallIntegerField(_("版本"))
    sample_handling = models.TextField(_("样品接收、储存和处理"))
    reporting = models.TextField(_("结果报告要求"), blank=True)
    contact = models.CharField(_("联系人和联系方式"), max_length=200)
    reason = models.CharField(_("更正理由"), max_length=500, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(_("编辑时间"))

    class Meta:
        ordering = ["round", "-version"]
        verbose_name = _("参加须知")
        verbose_name_plural = _("参加须知")
        constraints = [
            models.UniqueConstraint(fields=["round", "version"], name="pt_unique_instructions")
        ]

    def __str__(self) -> str:
        return f"{self.round.code} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A stored version never changes once the round's items are out."""
        if self.pk is not None and (
            Round.objects.filter(pk=self.round_id).exclude(status=RoundStatus.ENROLMENT).exists()
        ):
            raise ValidationError(_("样品发放后参加须知不可修改，更正须发布新版本"))
        super().save(*args, **kwargs)


class Condition(models.TextChoices):
    INTACT = "intact", _("完好")
    DAMAGED = "damaged", _("破损")


class Dispatch(models.Model):
    """Items sent to one participant; the lab confirms receipt and the items' condition.

    A participant has one record per shipment: items reported damaged may be sent again
    (a new record); an unconfirmed record is corrected in place by the provider.
    """

    region_path = "participant__round__scheme__organising_region"

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("参加者")
    )
    courier = models.CharField(_("快递公司"), max_length=64)
    tracking_number = models.CharField(_("运单号"), max_length=64)
    dispatched_on = models.DateField(_("发出日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))
    received_on = models.DateField(_("收到日期"), null=True, blank=True)
    condition = models.CharField(_("样品状态"), max_length=8, choices=Condition.choices, blank=True)
    remark = models.CharField(_("说明"), max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["participant", "dispatched_on", "pk"]
        verbose_name = _("样品发放记录")
        verbose_name_plural = _("样品发放记录")

    def __str__(self) -> str:
        return f"{self.participant.code} {self.courier} {self.tracking_number}"

    @property
    def confirmed(self) -> bool:
        return self.received_on is not None


class Extension(models.Model):
    """The provider lets one participant submit after the results deadline, with a reason.

    Records are never changed: a later grant for the same participant replaces the earlier
    one (the latest counts), and the round cannot be closed while an extension runs.
    """

    region_path = "participant__round__scheme__organising_region"

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="extensions", verbose_name=_("参加者")
    )
    until = models.DateTimeField(_("延期至"))
    reason = models.CharField(_("延期理由"), max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("批准时间"))

    class Meta:
        ordering = ["participant", "granted_at", "pk"]
        verbose_name = _("结果提交延期")
        verbose_name_plural = _("结果提交延期")

    def __str__(self) -> str:
        return f"{self.participant.code} → {self.until:%Y-%m-%d %H:%M}"
