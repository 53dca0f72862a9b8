from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProficiencyConfig(AppConfig):
    name = "ticcoop.proficiency"
    verbose_name = _("能力验证")

    def ready(self) -> None:
        # AUDITLOG_INCLUDE_ALL_MODELS registered every field; the report PDF (bytes) and the
        # bulky evaluation inputs/outputs (immutable, stored in their own rows) stay out of
        # the audit trail's diffs.
        from ticcoop.audit.registration import audit_without
        from ticcoop.proficiency.models import MeasurandEvaluation, ParticipantLetter, Report

        audit_without(Report, ["pdf"])
        audit_without(ParticipantLetter, ["pdf"])
        audit_without(MeasurandEvaluation, ["inputs", "outputs"])
