"""Which fields of a model stay out of the audit trail's diffs.

AUDITLOG_INCLUDE_ALL_MODELS registers every model with every field when django-auditlog's
app is ready; an app whose model holds a secret or bulky immutable content registers it again,
from its own ``ready()``, without those fields.  Import this module only from ``ready()``.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.db.models import Model


def audit_without(model: type[Model], fields: list[str]) -> None:
    """Keep ``fields`` of ``model`` out of its audit entries (every other field stays in)."""
    if auditlog.contains(model):
        auditlog.unregister(model)
    auditlog.register(model, exclude_fields=fields)
