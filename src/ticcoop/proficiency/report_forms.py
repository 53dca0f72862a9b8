"""Forms of the report page: the report's particulars and a correction (new revision)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from ticcoop.proficiency.models import ReportParticulars
from ticcoop.proficiency.models.reports import PARTICULAR_FIELDS
from ticcoop.proficiency.services.reports import MAX_REASON


class ParticularsForm(forms.ModelForm):
    class Meta:
        model = ReportParticulars
        fields = PARTICULAR_FIELDS
        widgets = {
            "items_description": forms.Textarea(attrs={"rows": 3}),
            "traceability": forms.Textarea(attrs={"rows": 2}),
            "comments": forms.Textarea(attrs={"rows": 3}),
            "external_activities": forms.Textarea(attrs={"rows": 2}),
        }


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("修订理由"),
        max_length=MAX_REASON,
        help_text=gettext_lazy("将签发新版次；已签发的版次保持不变并标为已被取代"),
    )
