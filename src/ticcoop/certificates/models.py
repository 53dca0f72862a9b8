"""CMA qualification certificates (资质认定证书): one registry shared by the five regions.

A certificate issued by any region is recognised by all of them: there is one certificate
per institution, shown the same way everywhere.  Every change creates an immutable
:class:`CertificateVersion` (with its own signed token); the current state lives on
:class:`Certificate` and its :class:`ScopeItem` rows.  ``expired`` is never stored: it is
computed from today's date (``Certificate.effective_status``, ``with_effective_status``).
Identifier layout: docs/methods/identifiers.md (``YY AA FF SS NNNN``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticcoop.assessments.models import Assessment
from ticcoop.certificates.validity import expiry_for
from ticcoop.digesting import digest_field
from ticcoop.methods.ids import IdentifierError, parse_certificate_number
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution

NATIONAL_AUTHORITY = "00"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂停")
    REVOKED = "revoked", _("撤销")
    EXPIRED = "expired", _("过期")  # computed from the expiry date, never stored
    CANCELLED = "cancelled", _("注销")


STORED_STATUSES = [
    (value, label)
    for value, label in CertificateStatus.choices
    if value != CertificateStatus.EXPIRED
]
#: Stored statuses that turn into "expired" once the expiry date has passed.
LIVE_STATUSES = (CertificateStatus.VALID, CertificateStatus.SUSPENDED)


def effective_status_of(status: str, expiry_date: date, today: date | None = None) -> str:
    """The stored status, or "expired" once a live certificate is past its expiry date."""
    if status in LIVE_STATUSES and expiry_date < (today or timezone.localdate()):
        return CertificateStatus.EXPIRED.value
    return str(status)


def validate_certificate_number(value: str) -> None:
    try:
        parse_certificate_number(value)
    except IdentifierError as exc:
        raise ValidationError(
            _("证书编号无效：%(reason)s"), params={"reason": str(exc)}, code="invalid"
        ) from exc


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def with_effective_status(self, today: date | None = None) -> CertificateQuerySet:
        """Annotate ``effective`` (the stored status, or "expired" after the expiry date)."""
        day = today or timezone.localdate()
        return self.annotate(
            effective=Case(
                When(
                    status__in=LIVE_STATUSES,
                    expiry_date__lt=day,
                    then=Value(CertificateStatus.EXPIRED.value),
                ),
                default=F("status"),
                output_field=models.CharField(),
            )
        )

    def in_status(self, status: str, today: date | None = None) -> CertificateQuerySet:
        day = today or timezone.localdate()
        if status == CertificateStatus.EXPIRED:
            return self.filter(status__in=LIVE_STATUSES, expiry_date__lt=day)
        if status in LIVE_STATUSES:
            return self.filter(status=status, expiry_date__gte=day)
        return self.filter(status=status)


class Certificate(models.Model):
    region_path = "issuing_region"

    number = models.CharField(
        _("证书编号"), max_length=12, unique=True, validators=[validate_certificate_number]
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("机构")
    )
    issuing_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_certificates",
        verbose_name=_("发证地区"),
        help_text=_("空表示国家认监委（编号第3–4位为00）"),
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("发证依据的评审"),
    )
    issue_date = models.DateField(_("发证日期"))
    valid_from = models.DateField(_("本期有效期起"), editable=False)
    expiry_date = models.DateField(_("有效期至"), editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=STORED_STATUSES, default=CertificateStatus.VALID
    )
    status_reason = models.CharField(_("状态原因"), max_length=256, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("当前版本"), default=0, editable=False)
    #: Derived: number, holder, scope parameters and standards, normalised (see search.py).
    search_key = models.TextField(_("检索键"), default="", editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "number"]
        verbose_name = _("资质认定证书")
        verbose_name_plural = _("资质认定证书")
        indexes = [
            models.Index(fields=["issuing_region", "status"]),
            models.Index(fields=["expiry_date"]),
            # Search results come in this order, 20 at a time: read straight off the index.
            models.Index(fields=["-issue_date", "number"], name="certificate_listing_order"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def issuer_code(self) -> str:
        """Signing issuer: the issuing region's code, or "00" for the national authority."""
        return self.issuing_region.code if self.issuing_region_id else NATIONAL_AUTHORITY  # type: ignore[union-attr]

    def effective_status(self, today: date | None = None) -> str:
        return effective_status_of(self.status, self.expiry_date, today)

    def effective_status_label(self) -> str:
        return str(CertificateStatus(self.effective_status()).label)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            parsed = parse_certificate_number(self.number)
        except IdentifierError:
            parsed = None  # reported by the field validator
        if parsed is not None:
            expected = self.issuing_region.authority_code if self.issuing_region_id else "00"  # type: ignore[union-attr]
            if parsed.authority != expected:
                where = self.issuing_region.name_zh if self.issuing_region_id else _("国家认监委")  # type: ignore[union-attr]
                errors["number"] = _(
                    "证书编号第3–4位为发证机关代码，应为%(expected)s（%(where)s），实为%(actual)s"
                ) % {"expected": expected, "where": where, "actual": parsed.authority}
            elif self.issue_date and parsed.year != self.issue_date.year:
                errors["number"] = _(
                    "证书编号前两位为发证年份，应为%(expected)02d（发证日期%(date)s），实为%(actual)02d"
                ) % {
                    "expected": self.issue_date.year % 100,
                    "date": self.issue_date.isoformat(),
                    "actual": parsed.year % 100,
                }
        if self.valid_from and self.expiry_date != expiry_for(self.valid_from):
            errors["expiry_date"] = _("有效期至必须为有效期起加6年减1天（%(expected)s）") % {
                "expected": expiry_for(self.valid_from).isoformat()
            }
        if errors:
            raise ValidationError(errors)


class ScopeItem(models.Model):
    """One row of the scope of capabilities (能力范围), current state of the certificate."""

    region_path = "certificate__issuing_region"

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="scope", verbose_name=_("证书")
    )
    position = models.PositiveIntegerField(_("序号"), default=0)
    category = models.CharField(_("类别（领域）"), max_length=64)
    product = models.CharField(_("检测对象（产品）"), max_length=128)
    parameter = models.CharField(_("项目/参数"), max_length=128)
    standard_code = models.CharField(_("标准（方法）编号"), max_length=64)
    clause = models.CharField(_("条款"), max_length=32, blank=True)
    limits = models.CharField(_("限制范围/说明"), max_length=256, blank=True)

    class Meta:
        ordering = ["certificate", "position", "pk"]
        verbose_name = _("能力范围")
        verbose_name_plural = _("能力范围")

    def __str__(self) -> str:
        return f"{self.product} · {self.parameter} · {self.standard_code}"


SCOPE_FIELDS = ("category", "product", "parameter", "standard_code", "clause", "limits")


class VersionAction(models.TextChoices):
    ISSUE = "issue", _("首次发证")
    SCOPE_CHANGE = "scope_change", _("变更能力范围")
    EXTENSION = "extension", _("延续")
    SUSPENSION = "suspension", _("暂停")
    RESTORATION = "restoration", _("恢复")
    REVOCATION = "revocation", _("撤销")
    CANCELLATION = "cancellation", _("注销")
    IMPORT = "import", _("批量导入")


class ImmutableRecord(Exception):
    """Raised on an attempt to change or delete a published version."""


class CertificateVersion(models.Model):
    """An immutable snapshot of a certificate after one change, with its signed token."""

    region_path = "certificate__issuing_region"

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="versions", verbose_name=_("证书")
    )
    number = models.PositiveIntegerField(_("版本号"))
    action = models.CharField(_("变更类型"), max_length=16, choices=VersionAction.choices)
    status = models.CharField(_("状态"), max_length=16, choices=STORED_STATUSES)
    issue_date = models.DateField(_("发证日期"))
    valid_from = models.DateField(_("本期有效期起"))
    expiry_date = models.DateField(_("有效期至"))
    institution_name = models.CharField(_("机构名称"), max_length=128)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    scope = models.JSONField(_("能力范围快照"), default=list)
    scope_digest = models.CharField(_("能力范围摘要（SHA-256）"), max_length=64)
    reason = models.TextField(_("原因"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    token = models.TextField(_("签名令牌"))

    class Meta:
        ordering = ["certificate", "-number"]
        verbose_name = _("证书版本")
        verbose_name_plural = _("证书版本")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "number"], name="unique_certificate_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} v{self.number} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord(str(_("证书版本一经生成不可修改")))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord(str(_("证书版本不可删除")))


class ImportBatch(models.Model):
    """One bulk import of institutions/certificates/scopes: who, when, which file, counts."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_sha256 = digest_field(_("文件摘要（SHA-256 或 SM3）"))
    counts = models.JSONField(_("统计"), default=dict)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("批量导入记录")
        verbose_name_plural = _("批量导入记录")

    def __str__(self) -> str:
        return f"{self.file_name} · {self.created_at:%Y-%m-%d %H:%M}"
