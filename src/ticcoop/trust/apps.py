from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "ticcoop.trust"
    verbose_name = _("签名密钥")

    def ready(self) -> None:
        # AUDITLOG_INCLUDE_ALL_MODELS registered the model with every field; the private
        # key must never be copied into the audit trail.
        from auditlog.registry import auditlog

        from ticcoop.trust.models import SigningKeyRecord

        if auditlog.contains(SigningKeyRecord):
            auditlog.unregister(SigningKeyRecord)
        auditlog.register(SigningKeyRecord, exclude_fields=["private_key_pem"])
