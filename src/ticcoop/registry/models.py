"""The registry of TIC institutions and the shared pool of assessors, experts and inspectors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Upper
from django.utils.translation import gettext_lazy as _

from ticcoop.regions.models import Region
from ticcoop.registry.validators import validate_credit_code_field


class InstitutionStatus(models.TextChoices):
    OPERATING = "operating", _("正常")
    SUSPENDED = "suspended", _("暂停")
    CLOSED = "closed", _("注销")


class RiskClass(models.TextChoices):
    """信用风险分类: A lowest risk … D highest; sampling rates rise from A to D."""

    A = "A", _("A类（低风险）")
    B = "B", _("B类（一般风险）")
    C = "C", _("C类（较高风险）")
    D = "D", _("D类（高风险）")


class Institution(models.Model):
    region_path = "region"

    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code_field]
    )
    name = models.CharField(_("机构名称"), max_length=128, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所属地区"))
    address = models.CharField(_("地址"), max_length=256, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=InstitutionStatus.choices,
        default=InstitutionStatus.OPERATING,
    )
    risk_class = models.CharField(
        _("信用风险分类"), max_length=1, choices=RiskClass.choices, default=RiskClass.B
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    #: Computed by the database, so never stale: what the public search matches, one column
    #: (a pg_trgm GIN index on PostgreSQL, migration 0004) instead of an OR over three.
    search_key = models.GeneratedField(
        expression=Upper(
            Concat(
                Value("|"), "credit_code", Value("|"), "name", Value("|"), "address", Value("|"),
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("检索键"),
    )  # fmt: skip

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("检验检测机构")
        verbose_name_plural = _("检验检测机构")
        indexes = [
            models.Index(fields=["region", "risk_class"]),
            # Search results come in this order, a page at a time: read off the index.
            models.Index(fields=["region", "name", "id"], name="institution_listing_order"),
        ]

    def __str__(self) -> str:
        return self.name


class InstitutionSite(models.Model):
    """A testing site; an institution may operate sites in several regions."""

    region_path = "institution__region"

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="sites", verbose_name=_("机构")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("场所所在地区"))
    address = models.CharField(_("场所地址"), max_length=256)
    is_main = models.BooleanField(_("主场所"), default=False)

    class Meta:
        verbose_name = _("检测场所")
        verbose_name_plural = _("检测场所")

    def __str__(self) -> str:
        return self.address


class InstitutionMembership(models.Model):
    """An institution user's link to the one institution they act for."""

    region_path = "institution__region"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institution_membership"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="members", verbose_name=_("机构")
    )

    class Meta:
        verbose_name = _("机构用户")
        verbose_name_plural = _("机构用户")

    def __str__(self) -> str:
        return f"{self.user} @ {self.institution}"


class Expert(models.Model):
    """A person in the shared pool: assessor (评审员), expert, law-enforcement inspector."""

    region_path = "region"

    name = models.CharField(_("姓名"), max_length=64, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所属地区"))
    employer = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_experts",
        verbose_name=_("工作单位（机构）"),
    )
    employer_name = models.CharField(_("工作单位"), max_length=128)
    is_assessor = models.BooleanField(_("评审员"), default=False)
    is_expert = models.BooleanField(_("技术专家"), default=False)
    is_inspector = models.BooleanField(_("执法检查人员"), default=False)
    specialties = models.CharField(_("专业领域"), max_length=256, blank=True)
    qualifications = models.CharField(_("资格"), max_length=256, blank=True)
    declared_ties: models.ManyToManyField[Institution, ExpertTie] = models.ManyToManyField(
        Institution,
        through="ExpertTie",
        related_name="tied_experts",
        blank=True,
        verbose_name=_("申报的利害关系"),
    )
    enforcement_certificate_no = models.CharField(_("执法证号"), max_length=32, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert",
        verbose_name=_("登录账号"),
    )

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("评审员/专家/检查人员")
        verbose_name_plural = _("评审员/专家/检查人员")

    def __str__(self) -> str:
        return f"{self.name}（{self.employer_name}）"


class ExpertTie(models.Model):
    """A declared tie (former employer, relative, consultancy …): grounds for recusal (回避)."""

    region_path = "expert__region"

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="ties")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, verbose_name=_("机构"))
    reason = models.CharField(_("关系说明"), max_length=128)

    class Meta:
        verbose_name = _("利害关系申报")
        verbose_name_plural = _("利害关系申报")
        constraints = [
            models.UniqueConstraint(fields=["expert", "institution"], name="unique_expert_tie")
        ]

    def __str__(self) -> str:
        return f"{self.expert.name} ↔ {self.institution.name}"


class RiskClassChange(models.Model):
    """Why an institution's credit-risk class changed: the history behind differentiated rates."""

    region_path = "institution__region"

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="risk_changes", verbose_name=_("机构")
    )
    from_class = models.CharField(_("原分类"), max_length=1, choices=RiskClass.choices)
    to_class = models.CharField(_("新分类"), max_length=1, choices=RiskClass.choices)
    source = models.CharField(
        _("依据来源"), max_length=32, help_text=_("如 proficiency、supervision")
    )
    reason = models.CharField(_("原因"), max_length=256)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("触发人"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("信用风险分类变更")
        verbose_name_plural = _("信用风险分类变更")

    def __str__(self) -> str:
        return f"{self.institution}: {self.from_class} → {self.to_class}"
