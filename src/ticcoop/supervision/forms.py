"""Forms of the regulators' workbench; every write they feed goes through the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ticcoop.supervision.models import InspectorAvailability, RegionRuleChoice, ResultKind


class FreezeForm(forms.Form):
    public_value_source = forms.CharField(
        label=_("公开随机值来源（可选）"),
        required=False,
        max_length=128,
        help_text=_("如“现场掷骰子”“当日体育彩票开奖号码”；留空则不使用公开随机值"),
    )
    commit_hours = forms.IntegerField(label=_("承诺期限（小时）"), initial=48, min_value=1)
    reveal_hours = forms.IntegerField(label=_("公开期限（小时）"), initial=48, min_value=1)
    relaxation = forms.CharField(
        label=_("放宽决定（仅在冻结前核验未通过时填写）"),
        required=False,
        max_length=256,
        help_text=_("填写后即使不能保证配齐检查组也可冻结；决定随抽取结果一并公示"),
    )
    relaxed_rule = forms.ChoiceField(
        label=_("本批次检查组地区规则"),
        required=False,
        choices=[("", _("按计划规则")), *RegionRuleChoice.choices],
    )


class CommitForm(forms.Form):
    commit = forms.RegexField(
        label=_("承诺值"),
        regex=r"^[0-9a-fA-F]{64}$",
        error_messages={"invalid": _("承诺值应为 64 位十六进制 SHA-256")},
    )


class PublicValueForm(forms.Form):
    value = forms.CharField(label=_("公开随机值"), max_length=128)


class RevealForm(forms.Form):
    # Not stripped: the secret must be sent exactly as it was committed.
    reveal = forms.CharField(label=_("秘密随机数"), max_length=128, strip=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=256)


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("检查结果"), choices=ResultKind.choices)
    checked_on = forms.DateField(
        label=_("检查日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    findings = forms.CharField(label=_("检查发现"), required=False, widget=forms.Textarea)
    correction_reason = forms.CharField(
        label=_("更正原因（更正已公示结果时必填）"), required=False, max_length=256
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("证据文件"))


class AvailabilityForm(forms.ModelForm):
    class Meta:
        model = InspectorAvailability
        fields = ["available", "cross_region", "capacity", "note"]
