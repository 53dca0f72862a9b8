"""Web forms of the provider's pages: item checks, decisions and reference values.

The forms only turn typed text into numbers with precise errors (which item, which value);
every rule of the data itself is checked by the services.
"""

from __future__ import annotations

import math
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticcoop.proficiency.models import (
    AssignedValueMethod,
    CheckDecision,
    CheckKind,
    ItemCheck,
    Measurand,
    Round,
)

DEFAULT_ITEMS = 10
MAX_ITEMS = 40
SEPARATORS = re.compile(r"[\s,，;；、]+")


def parse_numbers(text: str, what: str) -> list[float]:
    """Numbers separated by spaces, commas or new lines; the error names the position."""
    numbers = []
    for position, token in enumerate((t for t in SEPARATORS.split(text) if t), start=1):
        try:
            value = float(token)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ValidationError(
                _("%(w)s第 %(i)s 个值“%(v)s”不是数字") % {"w": what, "i": position, "v": token}
            )
        numbers.append(value)
    return numbers


class MeasurandField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.unit}）"


def _measurands(round_: Round) -> Any:
    return Measurand.objects.filter(scheme_id=round_.scheme_id)


class HomogeneityForm(forms.Form):
    """The g × 2 table of a homogeneity study (ISO 13528:2022 B.3): blank rows are ignored."""

    measurand = MeasurandField(label=gettext_lazy("测量项目"), queryset=Measurand.objects.none())

    def __init__(self, *args: Any, round_: Round, items: int = DEFAULT_ITEMS, **kwargs: Any):
        kwargs.setdefault("auto_id", "hom_%s")
        super().__init__(*args, **kwargs)
        self.fields["measurand"].queryset = _measurands(round_)  # type: ignore[attr-defined]
        self.items = items
        for i in range(1, items + 1):
            for j in (1, 2):
                label = _("样品 %(i)s 第 %(j)s 次") % {"i": i, "j": j}
                self.fields[f"h_{i}_{j}"] = forms.FloatField(
                    required=False,
                    label=label,
                    widget=forms.NumberInput(attrs={"step": "any", "aria-label": label}),
                    error_messages={
                        "invalid": _("样品 %(i)s 第 %(j)s 次测量须为数字") % {"i": i, "j": j}
                    },
                )

    def grid(self) -> list[tuple[int, Any, Any]]:
        return [(i, self[f"h_{i}_1"], self[f"h_{i}_2"]) for i in range(1, self.items + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        table = []
        for i in range(1, self.items + 1):
            pair = [data.get(f"h_{i}_1"), data.get(f"h_{i}_2")]
            if pair == [None, None]:
                continue
            if None in pair:
                raise ValidationError(_("样品 %(i)s：两次测量结果都要填写") % {"i": i})
            table.append(pair)
        if len(table) < 2 and not self.errors:
            raise ValidationError(_("至少需要 2 个样品，每个样品 2 次测量"))
        data["table"] = table
        return data


class StabilityForm(forms.Form):
    """Results before (e.g. the homogeneity study) and after the round (ISO 13528:2022 B.5)."""

    measurand = MeasurandField(label=gettext_lazy("测量项目"), queryset=Measurand.objects.none())
    before = forms.CharField(
        label=gettext_lazy("之前的结果"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("空格或逗号分隔"),
    )
    after = forms.CharField(
        label=gettext_lazy("之后的结果"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "stab_%s")
        super().__init__(*args, **kwargs)
        self.fields["measurand"].queryset = _measurands(round_)  # type: ignore[attr-defined]

    def clean_before(self) -> list[float]:
        return parse_numbers(self.cleaned_data["before"], _("之前的结果"))

    def clean_after(self) -> list[float]:
        return parse_numbers(self.cleaned_data["after"], _("之后的结果"))


class DecisionForm(forms.Form):
    """The provider's decision on a failed check; widening σ_pt applies to homogeneity only."""

    decision = forms.ChoiceField(label=gettext_lazy("决定"))
    reason = forms.CharField(label=gettext_lazy("理由"), max_length=256)

    def __init__(self, *args: Any, check: ItemCheck, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"check{check.pk}_%s")
        super().__init__(*args, **kwargs)
        allowed = [CheckDecision.ACCEPT, CheckDecision.INCLUDE_U]
        if check.kind == CheckKind.HOMOGENEITY:
            allowed.append(CheckDecision.WIDEN_SIGMA)
        self.fields["decision"].choices = [(c.value, c.label) for c in allowed]  # type: ignore[attr-defined]


class ReferenceForm(forms.Form):
    """Formulation value and u, certified value with U and k, or the experts' results."""

    measurand = MeasurandField(label=gettext_lazy("测量项目"), queryset=Measurand.objects.none())
    value = forms.FloatField(label=gettext_lazy("参考值"))
    uncertainty = forms.FloatField(label=gettext_lazy("不确定度"), min_value=0)
    k = forms.FloatField(label=gettext_lazy("包含因子 k"), min_value=1, initial=2.0)
    expert_results = forms.CharField(
        label=gettext_lazy("专家实验室结果"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("每个专家实验室一个结果，空格或逗号分隔"),
    )

    FIELDS = {
        AssignedValueMethod.FORMULATION: ("value", "uncertainty"),
        AssignedValueMethod.CERTIFIED: ("value", "uncertainty", "k"),
        AssignedValueMethod.EXPERT: ("expert_results",),
    }

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measurand"].queryset = _measurands(round_)  # type: ignore[attr-defined]
        keep = self.FIELDS.get(AssignedValueMethod(round_.scheme.x_pt_method), ())
        for name in ("value", "uncertainty", "k", "expert_results"):
            if name not in keep:
                del self.fields[name]
        if "uncertainty" in self.fields:
            self.fields["uncertainty"].label = (
                _("标准不确定度 u")
                if round_.scheme.x_pt_method == AssignedValueMethod.FORMULATION
                else _("扩展不确定度 U")
            )

    def clean_expert_results(self) -> list[float]:
        return parse_numbers(self.cleaned_data["expert_results"], _("专家实验室结果"))

    def values(self) -> dict[str, Any]:
        """Keyword arguments of ``services.set_reference``."""
        return {k: v for k, v in self.cleaned_data.items() if k != "measurand"}
