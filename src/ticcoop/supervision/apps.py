from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "ticcoop.supervision"
    verbose_name = _("双随机监管")

    def ready(self) -> None:
        # A frozen batch's files (targets.csv can hold millions of market entities) stay out
        # of its audit entry: the entry keeps the snapshot document, which names both files'
        # digests, and its hash; the files themselves are stored on the batch, never changed.
        from ticcoop.audit.registration import audit_without
        from ticcoop.supervision.models import Batch

        audit_without(Batch, ["targets_csv", "inspectors_csv"])
