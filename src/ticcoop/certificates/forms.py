"""Page forms: status changes, scope text, issue, import upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ticcoop.certificates.scope import SCOPE_COLUMNS, ScopeRow
from ticcoop.uploads import check_table

ACTIONS = [
    ("suspend", _("暂停")),
    ("restore", _("恢复")),
    ("revoke", _("撤销")),
    ("cancel", _("注销")),
    ("extend", _("延续")),
]
SCOPE_HELP = _("每行一项，用“|”或制表符分隔：") + " | ".join(
    str(title) for title, _length, _required in SCOPE_COLUMNS.values()
)


def parse_scope_text(text: str) -> list[ScopeRow]:
    """Rows from the textarea; raises ValidationError naming the line."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.replace("\t", "|").split("|")]
        if not 4 <= len(parts) <= len(SCOPE_COLUMNS):
            raise ValidationError(
                _("第%(line)d行：应有4–6列，实为%(count)d列")
                % {"line": number, "count": len(parts)}
            )
        row = ScopeRow(*parts)
        problems = row.problems()
        if problems:
            raise ValidationError(
                _("第%(line)d行：%(message)s") % {"line": number, "message": problems[0][1]}
            )
        rows.append(row)
    return rows


class LifecycleForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), choices=ACTIONS)
    reason = forms.CharField(label=_("原因"), max_length=256, required=False)
    application_date = forms.DateField(
        label=_("延续申请日期"), required=False, help_text=_("仅延续时填写，默认今天")
    )


class ScopeForm(forms.Form):
    scope = forms.CharField(label=_("能力范围"), widget=forms.Textarea, help_text=SCOPE_HELP)
    reason = forms.CharField(label=_("变更原因"), max_length=256)

    def clean_scope(self) -> list[ScopeRow]:
        return parse_scope_text(self.cleaned_data["scope"])


class IssueForm(forms.Form):
    """Initial issue on the basis of the assessment named in the URL."""

    number = forms.CharField(
        label=_("证书编号"),
        max_length=12,
        help_text=_("12位：年份2位、发证机关2位、专业领域2位、行业2位、流水号4位"),
    )
    issue_date = forms.DateField(label=_("发证日期"))
    scope = forms.CharField(label=_("能力范围"), widget=forms.Textarea, help_text=SCOPE_HELP)
    reason = forms.CharField(label=_("备注"), max_length=256, required=False)

    def clean_scope(self) -> list[ScopeRow]:
        return parse_scope_text(self.cleaned_data["scope"])


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件（CSV 或 XLSX）"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("只接受 .csv 或 .xlsx 文件"))
        # Size, type by content and an XLSX's declared expansion, before a job keeps the file:
        # a zip bomb is refused on the upload page, not minutes later in the queue.
        if upload.size > settings.TICCOOP_MAX_TABLE_UPLOAD_BYTES:
            limit = settings.TICCOOP_MAX_TABLE_UPLOAD_BYTES // 2**20
            raise ValidationError(
                _("文件 %(name)s 超过 %(max)d MB") % {"name": upload.name, "max": limit}
            )
        data = upload.read()
        upload.seek(0)
        try:
            check_table(upload.name, data)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return upload
