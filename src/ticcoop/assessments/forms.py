from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ticcoop.assessments.models import AssessmentKind, Conclusion, Severity
from ticcoop.assessments.queries import published_catalogues
from ticcoop.registry.models import Expert, Institution


class DateInput(forms.DateInput):
    input_type = "date"


class AssessmentForm(forms.Form):
    institution = forms.CharField(label=_("机构统一社会信用代码"), max_length=18)
    kind = forms.ChoiceField(label=_("评审类型"), choices=AssessmentKind.choices)
    catalogue = forms.ModelChoiceField(label=_("评审准则版本"), queryset=published_catalogues())
    planned_date = forms.DateField(label=_("计划日期"), widget=DateInput)
    onsite_start = forms.DateField(label=_("现场评审开始"), widget=DateInput)
    onsite_end = forms.DateField(label=_("现场评审结束"), widget=DateInput)
    team = forms.ModelMultipleChoiceField(
        label=_("评审组（至少2名评审员）"),
        queryset=Expert.objects.filter(is_assessor=True).select_related("region"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    leader = forms.ModelChoiceField(
        label=_("组长（留空：评审组第一人）"),
        queryset=Expert.objects.filter(is_assessor=True).select_related("region"),
        required=False,
    )

    def clean_institution(self) -> Institution:
        code = self.cleaned_data["institution"].strip().upper()
        institution = Institution.objects.filter(credit_code=code).first()
        if institution is None:
            raise forms.ValidationError(
                _("没有统一社会信用代码为 %(code)s 的机构") % {"code": code}
            )
        return institution


class NonconformityForm(forms.Form):
    clause = forms.CharField(label=_("条款号"), max_length=16)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)
    description = forms.CharField(label=_("不符合事实"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(
        label=_("整改期限（留空：现场评审结束后30个工作日）"), required=False, widget=DateInput
    )


class ConcludeForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("评审结论"), choices=Conclusion.choices)
    summary = forms.CharField(
        label=_("评审意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class RectificationForm(forms.Form):
    evidence = forms.CharField(label=_("整改说明"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence_files = MultipleFileField(label=_("证据文件"), required=False)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
