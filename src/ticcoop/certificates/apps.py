from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _refresh_holder_keys(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A renamed institution (any path: page, API, admin) must be found by its new name."""
    if raw:  # loaddata: the fixture carries the keys it needs
        return
    from ticcoop.certificates.search import refresh_search_keys_of_holders

    refresh_search_keys_of_holders([instance.pk])


class CertificatesConfig(AppConfig):
    name = "ticcoop.certificates"
    verbose_name = _("资质认定证书")

    def ready(self) -> None:
        # The search key is derived data (see search.py): keep it out of the audit trail,
        # where AUDITLOG_INCLUDE_ALL_MODELS registered every field.
        from ticcoop.audit.registration import audit_without
        from ticcoop.certificates.models import Certificate
        from ticcoop.registry.models import Institution

        audit_without(Certificate, ["search_key"])
        post_save.connect(
            _refresh_holder_keys, sender=Institution, dispatch_uid="certificate-search-keys"
        )
        _invalidate_public_answers_on_change()


def _invalidate_public_answers_on_change() -> None:
    """Cached public answers (ticcoop.config.public_cache) are made of these models."""
    from ticcoop.certificates.models import Certificate, CertificateVersion, ScopeItem
    from ticcoop.config.public_cache import on_change
    from ticcoop.regions.models import Region
    from ticcoop.registry.models import Institution
    from ticcoop.trust.models import SigningKeyRecord

    for model in (
        Certificate,
        CertificateVersion,
        ScopeItem,
        Institution,
        Region,
        SigningKeyRecord,
    ):
        for signal in (post_save, post_delete):
            signal.connect(on_change, sender=model, dispatch_uid=f"public-cache-{model.__name__}")
