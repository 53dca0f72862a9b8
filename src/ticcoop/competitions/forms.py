from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ticcoop.competitions.models import AppealOutcome, Competition


class RegistrationForm(forms.Form):
    discipline = forms.ChoiceField(label=_("项目"))
    person_name = forms.CharField(label=_("姓名"), max_length=64)
    staff_number = forms.CharField(label=_("工号"), max_length=32)

    def __init__(self, *args: Any, competition: Competition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discipline"].choices = [  # type: ignore[attr-defined]
            (d.pk, d.name) for d in competition.disciplines.all()
        ]


class TheoryScoreForm(forms.Form):
    number = forms.CharField(label=_("理论考试编号"), max_length=16)
    score = forms.DecimalField(label=_("成绩"), min_value=0, max_value=100, decimal_places=2)
    submitted_at = forms.DateTimeField(label=_("交卷时间"), required=False)
    reason = forms.CharField(label=_("更正原因"), max_length=256, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("成绩表（CSV 或 XLSX：编号, 成绩[, 交卷时间]）"))
    reason = forms.CharField(label=_("更正原因"), max_length=256, required=False)


class AppealForm(forms.Form):
    text = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("结论"), choices=AppealOutcome.choices)
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}))
