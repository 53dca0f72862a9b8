"""Forms of the provider's workflow pages and the lab's receipt confirmation.

They only turn typed text into values; every rule is checked by ``services.workflow``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ticcoop.proficiency.models import Condition

TEXTAREA = forms.Textarea(attrs={"rows": 5})


class InstructionsForm(forms.Form):
    sample_handling = forms.CharField(
        label=_("样品接收、储存和处理"), widget=TEXTAREA, max_length=5000
    )
    reporting = forms.CharField(
        label=_("结果报告的补充要求"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("各测量项目的单位和报告小数位数自动列入须知"),
    )
    contact = forms.CharField(label=_("联系人和联系方式"), max_length=200)
    reason = forms.CharField(label=_("更正理由（样品发放后必填）"), max_length=500, required=False)


class DispatchUploadForm(forms.Form):
    file = forms.FileField(
        label=_("发放记录文件（CSV/XLSX）"),
        help_text=_("列：参加者代码、快递公司、运单号、发出日期（YYYY-MM-DD）"),
    )


class ExtensionForm(forms.Form):
    code = forms.CharField(label=_("参加者代码"), max_length=16)
    until = forms.DateTimeField(
        label=_("延期至"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(label=_("延期理由"), max_length=500)


class ReceiptForm(forms.Form):
    received_on = forms.DateField(
        label=_("收到日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    condition = forms.ChoiceField(label=_("样品状态"), choices=Condition.choices)
    remark = forms.CharField(label=_("说明（破损时必填）"), max_length=500, required=False)
