from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "ticcoop.supervision"
    verbose_name = _("双随机监管")

    def ready(self) -> None:
        # A frozen batch's files (targets.csv can hold millions of market entities) and a
        # draw's signed manifest stay out of their audit entries: the batch's entry keeps the
        # snapshot document, which names both files' digests, and its hash; the draw's keeps
        # manifest_sha256 (and the draw row itself is chained).  The files and the manifest
        # are stored on their rows, never changed.
        from ticcoop.audit.registration import audit_without
        from ticcoop.supervision.deferred import BATCH_FILES, DRAW_MANIFEST
        from ticcoop.supervision.models import Batch, Draw

        audit_without(Batch, list(BATCH_FILES))
        audit_without(Draw, [DRAW_MANIFEST])
