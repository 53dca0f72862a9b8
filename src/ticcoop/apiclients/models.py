"""Machine clients of the API: each acts through its own service user, with one scope."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution


class Scope(models.TextChoices):
    READ_PUBLIC = "read-public", _("读取公开数据")
    READ_REGION = "read-region", _("读取本地区数据")
    WRITE_REGION = "write-region", _("读写本地区数据")
    PT_PROVIDER = "pt-provider", _("能力验证提供者")
    INSTITUTION = "institution", _("机构自助")


# Scopes that may call write methods (POST, PUT, PATCH, DELETE); the rest read only.
WRITE_SCOPES = {Scope.WRITE_REGION, Scope.PT_PROVIDER, Scope.INSTITUTION}
# Scopes that act for a region (their service user is a regulator of it).
REGION_SCOPES = {Scope.READ_REGION, Scope.WRITE_REGION, Scope.PT_PROVIDER}


class ApiClient(models.Model):
    region_path = "region"

    name = models.CharField(
        _("名称"),
        max_length=40,
        unique=True,
        # The name appears inside the token, so it stays within the token's alphabet.
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9-]*$", _("小写字母、数字和连字符"))],
    )
    scope = models.CharField(_("权限范围"), max_length=16, choices=Scope.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("地区")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("机构")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name=_("服务账号"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_api_clients",
        verbose_name=_("负责人"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """Only the SHA-256 digest of a token is kept; the token itself is shown once."""

    region_path = "client__region"

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("客户端")
    )
    prefix = models.CharField(_("令牌前缀"), max_length=64)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    def is_usable(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment  # type: ignore[operator]
