"""The round report and what goes with it: revisions, particulars, letters, certificates.

A published report is a series of immutable revisions under one report number (ISO/IEC
17043:2023 7.4.3: a changed report is issued again, identified as such, with the reason).
Revision 1 is issued when the round is published; a correction adds revision n + 1, and the
older revisions stay downloadable and are shown — on the page and stamped on the PDF — as
superseded. No revision row is ever changed or deleted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.digesting import digest_field
from ticcoop.proficiency.models.evaluation import EvaluationRun
from ticcoop.proficiency.models.schemes import Participant, Round


class ReportLayout(models.TextChoices):
    LEGACY = "legacy", _("旧版（发布时附全部结果通知书）")
    ISO17043 = "17043", _("ISO/IEC 17043:2023 7.4")


class ImmutableQuerySet(models.QuerySet[Any]):
    """Issued documents: no bulk update or delete."""

    def update(self, **kwargs: Any) -> int:
        raise ValidationError(_("已签发的记录不可修改"))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("已签发的记录不可删除"))


class Immutable(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and type(self)._default_manager.filter(pk=self.pk).exists():
            raise ValidationError(_("已签发的记录不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("已签发的记录不可删除"))


class Report(Immutable):
    """One revision of a round's final report (PDF bytes as issued)."""

    region_path = "round__scheme__organising_region"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="reports")
    revision = models.PositiveSmallIntegerField(_("修订号"), default=1)
    number = models.CharField(_("报告编号"), max_length=48, default="")
    run = models.ForeignKey(EvaluationRun, on_delete=models.PROTECT)
    pdf = models.BinaryField(_("PDF"))
    sha256 = digest_field(_("文件摘要（SHA-256 或 SM3）"))
    reason = models.CharField(_("修订理由"), max_length=256, blank=True, default="")
    particulars = models.JSONField(_("报告人员与说明"), default=dict, blank=True)
    layout = models.CharField(
        _("版式"), max_length=8, choices=ReportLayout.choices, default=ReportLayout.ISO17043
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)

    class Meta:
        ordering = ["round", "-revision"]
        verbose_name = _("能力验证报告")
        verbose_name_plural = _("能力验证报告")
        constraints = [
            models.UniqueConstraint(fields=["round", "revision"], name="pt_report_revision")
        ]

    def __str__(self) -> str:
        return f"{self.number} rev. {self.revision}"


class ReportParticulars(models.Model):
    """What the provider writes for the report before (or, for a correction, after) publication:
    the named people and the texts that are not computed. Each revision keeps its own copy."""

    region_path = "round__scheme__organising_region"

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="particulars")
    coordinator = models.CharField(_("能力验证协调者"), max_length=64, blank=True)
    signatory = models.CharField(_("报告授权签字人"), max_length=64, blank=True)
    signatory_title = models.CharField(_("签字人职务"), max_length=64, blank=True)
    items_description = models.TextField(_("能力验证物品描述"), blank=True)
    traceability = models.TextField(_("指定值的计量溯源性"), blank=True)
    comments = models.TextField(_("意见和建议"), blank=True)
    contact = models.CharField(
        _("提供者联系方式"),
        max_length=255,
        blank=True,
        help_text=_("地址、电话、电子邮箱；印在报告第 1 节"),
    )
    external_activities = models.TextField(
        _("外部提供的活动"),
        blank=True,
        help_text=_(
            "分包的活动及承担者，如均匀性和稳定性检验实验室；空白时报告写“无外部提供的活动”"
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("报告人员与说明")
        verbose_name_plural = _("报告人员与说明")

    def __str__(self) -> str:
        return self.round.code

    def as_dict(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in PARTICULAR_FIELDS}


PARTICULAR_FIELDS = (
    "coordinator",
    "signatory",
    "signatory_title",
    "items_description",
    "traceability",
    "comments",
    "contact",
    "external_activities",
)


class ParticipantLetter(Immutable):
    """A participant's private one-page letter, rendered once per published evaluation."""

    region_path = "participant__round__scheme__organising_region"

    run = models.ForeignKey(EvaluationRun, on_delete=models.PROTECT, related_name="letters")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="letters", verbose_name=_("参加者")
    )
    pdf = models.BinaryField(_("PDF"))
    sha256 = digest_field(_("文件摘要（SHA-256 或 SM3）"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("结果通知书")
        verbose_name_plural = _("结果通知书")
        constraints = [
            models.UniqueConstraint(fields=["run", "participant"], name="pt_letter_once")
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.participant.code}"


class ParticipationCertificate(Immutable):
    """参加证明: issued once per participant after the report is published, signed with the
    platform key over the canonical ``content`` (its SHA-256 is ``digest``)."""

    region_path = "participant__round__scheme__organising_region"

    participant = models.OneToOneField(
        Participant,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("参加者"),
    )
    number = models.CharField(_("证明编号"), max_length=64, unique=True)
    issued_at = models.DateTimeField(_("签发时间"))
    content = models.TextField(_("证明内容（规范化）"))
    digest = models.CharField(_("SHA-256"), max_length=64)
    token = models.TextField(_("签名令牌"))

    class Meta:
        verbose_name = _("能力验证参加证明")
        verbose_name_plural = _("能力验证参加证明")

    def __str__(self) -> str:
        return self.number
