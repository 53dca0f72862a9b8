from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ticcoop.competitions.models import AppealOutcome, Competition, Discipline
from ticcoop.registry.models import Expert


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


class BlindResultForm(forms.Form):
    number = forms.CharField(label=_("盲样编号"), max_length=16)
    value = forms.FloatField(label=_("检测结果"))
    reason = forms.CharField(label=_("更正原因"), max_length=256, required=False)


class JudgeScoreForm(forms.Form):
    """A judge's score of one contestant: one field per rubric item (or the total)."""

    number = forms.CharField(label=_("实操编号"), max_length=16)
    reason = forms.CharField(label=_("更正原因"), max_length=256, required=False)

    def __init__(self, *args: Any, rubric: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        for index, row in enumerate(rubric):
            self.fields[f"item_{index}"] = forms.DecimalField(
                label=_("%(item)s（满分 %(max)s）") % {"item": row["item"], "max": row["max"]},
                min_value=0,
                max_value=row["max"],
                decimal_places=2,
            )
        if not rubric:
            self.fields["total"] = forms.DecimalField(
                label=_("评分（0–100）"), min_value=0, max_value=100, decimal_places=2
            )
        self.order_fields(["number", *(f"item_{i}" for i in range(len(rubric))), "total"])

    def item_scores(self) -> list[float] | None:
        if not self.rubric:
            return None
        return [float(self.cleaned_data[f"item_{i}"]) for i in range(len(self.rubric))]


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.employer_name}，{obj.region.name_zh}）"


class JudgeAssignForm(forms.Form):
    discipline = forms.ModelChoiceField(label=_("项目"), queryset=Discipline.objects.none())
    expert = ExpertChoiceField(label=_("评委（专家库）"), queryset=Expert.objects.none())

    def __init__(self, *args: Any, competition: Competition, query: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["discipline"].queryset = competition.disciplines.all()  # type: ignore[attr-defined]
        experts = Expert.objects.select_related("region").order_by("region__code", "name")
        if query:
            experts = experts.filter(name__icontains=query) | experts.filter(
                employer_name__icontains=query
            )
        self.fields["expert"].queryset = experts  # type: ignore[attr-defined]
