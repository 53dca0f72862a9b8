"""Contestants (registrations), their anonymous stage numbers, and the judges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.competitions.models.competition import (
    ORGANISER_PATH,
    Competition,
    Discipline,
    Stage,
)
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert, Institution


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
