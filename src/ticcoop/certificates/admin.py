"""Certificates in the back office: lifecycle fields read-only; changes only as actions.

State changes (suspend, restore, revoke, cancel, extend) are admin actions that ask for a
reason and call the services, so the rules of services.py cannot be bypassed here.  Scope
rows and versions are read-only; certificates are issued through the page or API (they need
a passed assessment and a scope) or imported.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticcoop.accounts.admin_scoping import ReadOnlyAdmin, RegionScopedAdmin
from ticcoop.certificates import services
from ticcoop.certificates.models import Certificate, CertificateVersion, ImportBatch, ScopeItem


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ScopeInline(ReadOnlyInline):
    model = ScopeItem
    fields = ("position", "category", "product", "parameter", "standard_code", "clause", "limits")
    readonly_fields = fields


class VersionInline(ReadOnlyInline):
    model = CertificateVersion
    fields = ("number", "action", "status", "expiry_date", "reason", "actor_name", "created_at")
    readonly_fields = fields


ACTION_LABELS = {
    "suspend": gettext_lazy("暂停所选证书"),
    "restore": gettext_lazy("恢复所选证书"),
    "revoke": gettext_lazy("撤销所选证书"),
    "cancel": gettext_lazy("注销所选证书"),
    "extend": gettext_lazy("延续所选证书（6年）"),
}


def _run(kind: str, user: Any, certificate: Certificate, reason: str, applied: date | None) -> None:
    if kind == "extend":
        services.extend_certificate(user, certificate, application_date=applied, reason=reason)
    else:
        services.LIFECYCLE_ACTIONS[kind](user, certificate, reason)


def _make_action(kind: str) -> Any:
    def action(
        modeladmin: CertificateAdmin, request: HttpRequest, queryset: QuerySet[Certificate]
    ) -> HttpResponse | None:
        return modeladmin.lifecycle(request, queryset, kind)

    action.__name__ = f"{kind}_selected"
    return admin.action(description=ACTION_LABELS[kind])(action)


@admin.register(Certificate)
class CertificateAdmin(RegionScopedAdmin):
    list_display = [
        "number",
        "institution",
        "issuing_region",
        "issue_date",
        "expiry_date",
        "status",
        "version",
    ]
    list_filter = ["issuing_region", "status"]
    search_fields = ["number", "institution__name", "institution__credit_code"]
    list_select_related = ["institution", "issuing_region"]
    fields = (
        "number",
        "institution",
        "issuing_region",
        "assessment",
        "issue_date",
        "valid_from",
        "expiry_date",
        "status",
        "status_reason",
        "status_changed_at",
        "version",
    )
    readonly_fields = fields
    inlines = [ScopeInline, VersionInline]
    actions = [_make_action(kind) for kind in ACTION_LABELS]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def lifecycle(
        self, request: HttpRequest, queryset: QuerySet[Certificate], kind: str
    ) -> HttpResponse | None:
        if "apply" not in request.POST:
            return self._form(request, queryset, kind)
        reason = request.POST.get("reason", "")
        raw_date = request.POST.get("application_date", "").strip()
        try:
            applied = date.fromisoformat(raw_date) if raw_date else None
        except ValueError:
            self.message_user(request, _("申请日期格式应为 YYYY-MM-DD"), messages.ERROR)
            return None
        for certificate in queryset:
            try:
                _run(kind, request.user, certificate, reason, applied)
            except (PermissionDenied, ValidationError) as exc:
                detail = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{certificate.number}：{detail}", messages.ERROR)
            else:
                self.message_user(request, _("%(number)s：已完成") % {"number": certificate.number})
        return None

    def _form(
        self, request: HttpRequest, queryset: QuerySet[Certificate], kind: str
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": ACTION_LABELS[kind],
            "records": queryset,
            "action": f"{kind}_selected",
            "is_extension": kind == "extend",
            "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "certificates/admin_action.html", context)


@admin.register(ScopeItem)
class ScopeItemAdmin(ReadOnlyAdmin):
    list_display = ["certificate", "category", "product", "parameter", "standard_code", "clause"]
    list_filter = ["category", "certificate__issuing_region"]
    search_fields = ["certificate__number", "parameter", "standard_code", "product"]
    list_select_related = ["certificate"]


@admin.register(CertificateVersion)
class CertificateVersionAdmin(ReadOnlyAdmin):
    list_display = ["certificate", "number", "action", "status", "actor_name", "created_at"]
    list_filter = ["action", "status", "certificate__issuing_region"]
    search_fields = ["certificate__number", "institution_name", "credit_code", "reason"]
    list_select_related = ["certificate"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "actor_name", "created_at", "file_sha256"]
    search_fields = ["file_name", "actor_name", "file_sha256"]
    list_filter = ["created_at"]
