"""The inbox page: messages in the reader's language, mark read, email digest setting."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ticcoop.notices import queries, services
from ticcoop.notices.catalogue import render as render_notice
from ticcoop.pages import paginate


class SettingsForm(forms.Form):
    email_digest = forms.BooleanField(label=gettext_lazy("接收每日邮件摘要"), required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("消息语言"),
        choices=[("", gettext_lazy("默认")), *settings.LANGUAGES],
        required=False,
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = paginate(request, queries.inbox_of(request.user))
    rows = [(notice, render_notice(notice.key, notice.params)) for notice in page]
    current = services.settings_of(request.user)
    form = SettingsForm(
        request.POST or None,
        initial={"email_digest": current.email_digest, "language": current.language},
    )
    if request.method == "POST" and form.is_valid():
        services.save_notice_settings(request.user, **form.cleaned_data)
        messages.success(request, _("消息设置已保存"))
        return redirect("notices-inbox")
    return render(request, "notices/inbox.html", {"page": page, "rows": rows, "form": form})


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.mark_read(request.user)
    return redirect("notices-inbox")
