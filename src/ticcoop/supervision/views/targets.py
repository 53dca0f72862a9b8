"""The target directory import page: the upload becomes a background job."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticcoop.accounts.queries import writable_region_ids
from ticcoop.jobs import services as jobs
from ticcoop.supervision.tasks import TARGETS_IMPORT


class TargetImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("检查对象名录（CSV，UTF-8）"))

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".csv"):
            raise ValidationError(_("只接受 .csv 文件"))
        return upload


@login_required
def import_targets(request: HttpRequest) -> HttpResponse:
    if writable_region_ids(request.user) == []:
        raise PermissionDenied(_("只有监管部门可以导入检查对象名录"))
    form = TargetImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.start_job(request.user, TARGETS_IMPORT, upload=form.cleaned_data["file"])
        return redirect("jobs-detail", pk=job.pk)
    return render(request, "supervision/targets_import.html", {"form": form})
