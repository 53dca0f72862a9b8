from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "ticcoop.trust"
    verbose_name = _("签名密钥")

    def ready(self) -> None:
        # AUDITLOG_INCLUDE_ALL_MODELS registered the model with every field; the private
        # key must never be copied into the audit trail.
        from ticcoop.audit.registration import audit_without
        from ticcoop.trust.models import SigningKeyRecord

        audit_without(SigningKeyRecord, ["private_key_pem"])
