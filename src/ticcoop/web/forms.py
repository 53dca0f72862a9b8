from __future__ import annotations

from typing import Any

from django import forms

from ticcoop.accounts.queries import writable_region_ids
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = [
            "credit_code",
            "name",
            "region",
            "address",
            "legal_representative",
            "contact_person",
            "contact_phone",
            "status",
            "risk_class",
        ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_ids = writable_region_ids(user)
        if region_ids is not None:
            self.fields["region"].queryset = Region.objects.filter(pk__in=region_ids)  # type: ignore[attr-defined]
