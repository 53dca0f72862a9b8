"""Signing keys of the issuers (regions, the national authority, the platform).

The private key is stored in the database as PKCS#8 PEM so that the platform can sign
certificate QR codes without extra infrastructure.  In production it belongs in an
HSM/KMS (the service layer would then call the HSM to sign and store only a handle here).
The PEM is never shown in the admin, never serialised by the API and excluded from the
audit trail (see apps.TrustConfig.ready).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.methods import signing


class KeyStatus(models.TextChoices):
    ACTIVE = "active", _("使用中")
    RETIRED = "retired", _("已停用（仍可核验）")
    REVOKED = "revoked", _("已吊销（不再核验）")


class Algorithm(models.TextChoices):
    SM2 = "SM2", _("SM2（国密，GM/T 0003）")
    ED25519 = "Ed25519", _("Ed25519（RFC 8032）")


class SigningKeyRecord(models.Model):
    issuer = models.CharField(
        _("签发方"),
        max_length=8,
        validators=[
            RegexValidator(r"^(platform|[0-9]{2})$", _("两位地区代码、00（国家）或 platform"))
        ],
        help_text=_("地区代码 11–15，00 表示国家认监委，platform 表示平台"),
    )
    kid = models.CharField(_("密钥编号"), max_length=16, unique=True)
    algorithm = models.CharField(
        _("签名算法"), max_length=8, choices=Algorithm.choices, default=Algorithm.ED25519
    )
    public_key = models.CharField(_("公钥（base64url）"), max_length=128)
    private_key_pem = models.TextField(_("私钥（PEM）"), editable=False)
    status = models.CharField(
        _("状态"), max_length=8, choices=KeyStatus.choices, default=KeyStatus.ACTIVE
    )
    valid_from = models.DateField(_("启用日期"))
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revocation_reason = models.CharField(_("吊销原因"), max_length=256, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["issuer", "-valid_from", "-created_at"]
        verbose_name = _("签名密钥")
        verbose_name_plural = _("签名密钥")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer"],
                condition=models.Q(status="active"),
                name="trust_one_active_key_per_issuer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer}/{self.kid}（{self.get_status_display()}）"

    def signing_key(self) -> signing.SigningKey:
        """The methods-layer key (private part) of this record."""
        return signing.SigningKey(
            issuer=self.issuer,
            private_key=signing.private_key_from_pem(self.private_key_pem),
            valid_from=self.valid_from,
        )
