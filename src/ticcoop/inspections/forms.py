from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ticcoop.assessments.forms import DateInput, MultipleFileField
from ticcoop.assessments.models import CriteriaClause, Severity
from ticcoop.assessments.queries import current_catalogue
from ticcoop.inspections.models import Campaign, JointTaskKind
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "year",
            "title",
            "participants",
            "risk_classes",
            "fields",
            "items",
            "per_region",
            "pattern_k",
            "no_mutual",
            "team_size",
            "inspector_cap",
            "deadline_days",
            "previous",
        ]
        widgets = {"items": forms.Textarea(attrs={"rows": 3})}


class DrawForm(forms.Form):
    seed = forms.CharField(
        label=_("公开随机种子（留空则由系统生成）"), max_length=128, required=False
    )


class InspectionForm(forms.Form):
    inspected = forms.BooleanField(label=_("已实施检查"), required=False, initial=True)
    inspected_on = forms.DateField(label=_("检查日期"), required=False, widget=DateInput)
    summary = forms.CharField(
        label=_("检查情况 / 未能检查的原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def clause_queryset() -> QuerySet[CriteriaClause]:
    catalogue = current_catalogue()
    clauses = CriteriaClause.objects.select_related("element")
    return clauses.filter(element__catalogue=catalogue) if catalogue else clauses.none()


class FindingForm(forms.Form):
    clause = forms.ModelChoiceField(label=_("评审条款"), queryset=CriteriaClause.objects.none())
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)
    field = forms.CharField(label=_("领域"), max_length=64, required=False)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline_days = forms.IntegerField(
        label=_("整改期限（工作日，留空用本次互查的默认值）"), required=False, min_value=1
    )
    attachments = MultipleFileField(label=_("证据文件"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["clause"].queryset = clause_queryset()  # type: ignore[attr-defined]


class RectificationForm(forms.Form):
    text = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label=_("整改证据文件"), required=False)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("验收意见（退回时必填）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class JointTaskForm(forms.Form):
    title = forms.CharField(label=_("任务名称"), max_length=128)
    kind = forms.ChoiceField(label=_("类型"), choices=JointTaskKind.choices)
    participants = forms.ModelMultipleChoiceField(
        label=_("参加地区"), queryset=Region.objects.filter(is_active=True)
    )
    institution = forms.CharField(label=_("涉及机构统一社会信用代码（可空）"), required=False)
    scope = forms.CharField(label=_("检查范围"), widget=forms.Textarea(attrs={"rows": 3}))
    planned_start = forms.DateField(label=_("计划开始"), widget=DateInput)
    planned_end = forms.DateField(label=_("计划结束"), widget=DateInput)
    members = forms.ModelMultipleChoiceField(
        label=_("检查组"),
        queryset=Expert.objects.filter(is_inspector=True).select_related("region"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("记录"), widget=forms.Textarea(attrs={"rows": 2}))
    attachments = MultipleFileField(label=_("文件"), required=False)


class ReportForm(forms.Form):
    report = forms.CharField(label=_("检查报告"), widget=forms.Textarea(attrs={"rows": 5}))


class HandoverForm(forms.Form):
    to_region = forms.ModelChoiceField(
        label=_("移交至"), queryset=Region.objects.filter(is_active=True)
    )
    summary = forms.CharField(label=_("移交事项"), widget=forms.Textarea(attrs={"rows": 2}))
