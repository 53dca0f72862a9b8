"""Unified assessment conditions (评审条件统一): one criteria catalogue, shared assessments.

The criteria catalogue (检验检测机构资质认定评审准则) is national and versioned: a published
version never changes; corrections are a new draft copied from it and published in its place.
An assessment records the catalogue version it used, its review team, one outcome per clause of
that version, the nonconformities (不符合项) found and the conclusion.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.evidence import EvidenceFileBase
from ticcoop.registry.models import Expert, Institution


class CatalogueStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("现行")
    SUPERSEDED = "superseded", _("已替代")


class CriteriaCatalogue(models.Model):
    """One version of the assessment criteria, shared by the five regions (no region scope)."""

    code = models.CharField(_("准则代码"), max_length=32, db_index=True)
    version = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("名称"), max_length=128)
    status = models.CharField(
        _("状态"), max_length=16, choices=CatalogueStatus.choices, default=CatalogueStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived_versions",
        verbose_name=_("源版本"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("评审准则版本")
        verbose_name_plural = _("评审准则版本")
        permissions = [("manage_catalogue", _("可维护评审准则"))]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_catalogue_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == CatalogueStatus.PUBLISHED


class CriteriaElement(models.Model):
    """A group of clauses: 机构, 人员, 场所环境, 设备设施, 管理体系."""

    catalogue = models.ForeignKey(
        CriteriaCatalogue,
        on_delete=models.CASCADE,
        related_name="elements",
        verbose_name=_("准则版本"),
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("要素"), max_length=64)

    class Meta:
        ordering = ["catalogue", "number"]
        verbose_name = _("评审要素")
        verbose_name_plural = _("评审要素")
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "number"], name="unique_element_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class CriteriaClause(models.Model):
    element = models.ForeignKey(
        CriteriaElement, on_delete=models.CASCADE, related_name="clauses", verbose_name=_("要素")
    )
    number = models.CharField(_("条款号"), max_length=16)
    title = models.CharField(_("条款名称"), max_length=128)
    text = models.TextField(_("条款内容"))
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["element__number", "position", "number"]
        verbose_name = _("评审条款")
        verbose_name_plural = _("评审条款")
        constraints = [
            models.UniqueConstraint(fields=["element", "number"], name="unique_clause_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", _("首次评审")
    RENEWAL = "renewal", _("复查评审")
    CHANGE = "change", _("变更评审")
    EXTENSION = "extension", _("扩项评审")
    SUPERVISION = "supervision", _("监督评审")


class AssessmentStatus(models.TextChoices):
    PLANNED = "planned", _("已计划")
    IN_PROGRESS = "in_progress", _("评审中")
    CONCLUDED = "concluded", _("已结束")


class Conclusion(models.TextChoices):
    CONFORM = "conform", _("符合")
    BASIC = "basic", _("基本符合")
    NONCONFORM = "nonconform", _("不符合")


PASSING_CONCLUSIONS = (Conclusion.CONFORM, Conclusion.BASIC)


class Outcome(models.TextChoices):
    CONFORM = "conform", _("符合")
    BASIC = "basic", _("基本符合")
    NONCONFORM = "nonconform", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class Assessment(models.Model):
    """An on-site assessment of one institution, organised by the institution's region."""

    region_path = "institution__region"

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("机构")
    )
    kind = models.CharField(_("评审类型"), max_length=16, choices=AssessmentKind.choices)
    catalogue = models.ForeignKey(
        CriteriaCatalogue,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("评审准则版本"),
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.PLANNED,
    )
    planned_date = models.DateField(_("计划日期"))
    onsite_start = models.DateField(_("现场评审开始"))
    onsite_end = models.DateField(_("现场评审结束"))
    team: models.ManyToManyField[Expert, TeamMember] = models.ManyToManyField(
        Expert, through="TeamMember", related_name="assessments", verbose_name=_("评审组")
    )
    conclusion = models.CharField(
        _("评审结论"), max_length=16, choices=Conclusion.choices, blank=True
    )
    summary = models.TextField(_("评审意见"), blank=True)
    concluded_at = models.DateTimeField(_("结论时间"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("结论人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-planned_date", "-pk"]
        verbose_name = _("资质认定评审")
        verbose_name_plural = _("资质认定评审")
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.institution.name} · {self.get_kind_display()} · {self.planned_date}"

    @property
    def passed(self) -> bool:
        return self.status == AssessmentStatus.CONCLUDED and self.conclusion in PASSING_CONCLUSIONS


class TeamMember(models.Model):
    region_path = "assessment__institution__region"

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="members", verbose_name=_("评审")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("评审员")
    )
    is_leader = models.BooleanField(_("组长"), default=False)

    class Meta:
        ordering = ["-is_leader", "pk"]
        verbose_name = _("评审组成员")
        verbose_name_plural = _("评审组成员")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "expert"], name="unique_team_member")
        ]

    def __str__(self) -> str:
        return self.expert.name


class ClauseOutcome(models.Model):
    region_path = "assessment__institution__region"

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("评审")
    )
    clause = models.ForeignKey(
        CriteriaClause, on_delete=models.PROTECT, related_name="+", verbose_name=_("条款")
    )
    outcome = models.CharField(_("评审结果"), max_length=16, choices=Outcome.choices)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["assessment", "clause__element__number", "clause__position"]
        verbose_name = _("条款评审结果")
        verbose_name_plural = _("条款评审结果")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "clause"], name="unique_clause_outcome")
        ]

    def __str__(self) -> str:
        return f"{self.clause.number}: {self.get_outcome_display()}"


class Severity(models.TextChoices):
    MAJOR = "major", _("严重")
    MINOR = "minor", _("一般")


class NonconformityStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    SUBMITTED = "submitted", _("整改已提交")
    RETURNED = "returned", _("整改退回")
    CLOSED = "closed", _("已关闭")


OPEN_NC_STATUSES = (
    NonconformityStatus.OPEN,
    NonconformityStatus.SUBMITTED,
    NonconformityStatus.RETURNED,
)


class Nonconformity(models.Model):
    """不符合项: found on site, rectified by the institution, closed by the regulator."""

    region_path = "assessment__institution__region"

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="nonconformities",
        verbose_name=_("评审"),
    )
    clause = models.ForeignKey(
        CriteriaClause, on_delete=models.PROTECT, related_name="+", verbose_name=_("条款")
    )
    description = models.TextField(_("不符合事实"))
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=NonconformityStatus.choices,
        default=NonconformityStatus.OPEN,
    )
    closure_note = models.TextField(_("关闭意见"), blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("关闭人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("不符合项")
        verbose_name_plural = _("不符合项")
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.clause.number} {self.get_severity_display()}：{self.description[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_NC_STATUSES


class Decision(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已接受")
    RETURNED = "returned", _("已退回")


class Rectification(models.Model):
    """One submission of rectification evidence by the institution, and its review."""

    region_path = "nonconformity__assessment__institution__region"

    nonconformity = models.ForeignKey(
        Nonconformity,
        on_delete=models.CASCADE,
        related_name="rectifications",
        verbose_name=_("不符合项"),
    )
    evidence = models.TextField(_("整改说明"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提交人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decision = models.CharField(
        _("审核结果"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        ordering = ["nonconformity", "submitted_at", "pk"]
        verbose_name = _("整改提交")
        verbose_name_plural = _("整改提交")

    def __str__(self) -> str:
        return f"{self.nonconformity} · {self.get_decision_display()}"


class EvidenceFile(EvidenceFileBase):
    """A file attached to a rectification, with its digest recorded at upload."""

    region_path = "rectification__nonconformity__assessment__institution__region"

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="files", verbose_name=_("整改提交")
    )
    file = models.FileField(_("文件"), upload_to="assessments/rectifications/%Y/%m/")

    class Meta:
        verbose_name = _("整改证据文件")
        verbose_name_plural = _("整改证据文件")
