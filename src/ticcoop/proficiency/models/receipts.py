"""Signed submission receipts: what was received when, with the SHA-256 of the submission."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.proficiency.models.schemes import Participant


class SubmissionReceipt(models.Model):
    """One per submission (web form, file or API), signed with the platform key.

    ``content`` is the canonical submission whose SHA-256 is ``digest``; ``token`` signs the
    digest with the round, code and time, so the lab can prove offline what it sent when.
    """

    region_path = "participant__round__scheme__organising_region"

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("参加者")
    )
    number = models.PositiveIntegerField(_("回执序号"))
    received_at = models.DateTimeField(_("接收时间"))
    content = models.TextField(_("提交内容（规范化）"))
    digest = models.CharField(_("SHA-256"), max_length=64)
    token = models.TextField(_("签名令牌"))

    class Meta:
        ordering = ["participant", "number"]
        verbose_name = _("结果提交回执")
        verbose_name_plural = _("结果提交回执")
        constraints = [
            models.UniqueConstraint(fields=["participant", "number"], name="pt_unique_receipt")
        ]

    def __str__(self) -> str:
        return f"{self.participant.code} #{self.number}"
