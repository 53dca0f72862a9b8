"""Keys in the back office: read-only records; rotation and revocation are admin actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticcoop.trust import services
from ticcoop.trust.models import SigningKeyRecord


@admin.register(SigningKeyRecord)
class SigningKeyRecordAdmin(admin.ModelAdmin):
    list_display = ["kid", "issuer", "status", "valid_from", "retired_at", "revoked_at"]
    list_filter = ["issuer", "status"]
    search_fields = ["kid", "issuer", "revocation_reason"]
    # The private key is never displayed: it is not among the fields at all.
    fields = (
        "issuer",
        "kid",
        "public_key",
        "status",
        "valid_from",
        "retired_at",
        "revoked_at",
        "revocation_reason",
        "created_at",
    )
    readonly_fields = fields
    actions = ["rotate_selected", "revoke_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("rotate_selected", None)
            actions.pop("revoke_selected", None)
        return actions

    @admin.action(description=gettext_lazy("轮换所选密钥的签发方（生成新密钥，旧密钥停用）"))
    def rotate_selected(self, request: HttpRequest, queryset: QuerySet[SigningKeyRecord]) -> None:
        for issuer in sorted(set(queryset.values_list("issuer", flat=True))):
            try:
                record = services.rotate_key(request.user, issuer)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
            self.message_user(
                request, _("%(issuer)s 的新密钥：%(kid)s") % {"issuer": issuer, "kid": record.kid}
            )

    @admin.action(description=gettext_lazy("吊销所选密钥（需填写原因）"))
    def revoke_selected(
        self, request: HttpRequest, queryset: QuerySet[SigningKeyRecord]
    ) -> HttpResponse | None:
        reason = request.POST.get("reason", "").strip()
        if "apply" not in request.POST:
            return self._revoke_form(request, queryset, "")
        if not reason:
            return self._revoke_form(request, queryset, _("吊销密钥必须填写原因"))
        for record in queryset:
            try:
                services.revoke_key(request.user, record.kid, reason)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{record.kid}: {exc}", messages.ERROR)
            else:
                self.message_user(request, _("已吊销 %(kid)s") % {"kid": record.kid})
        return None

    def _revoke_form(
        self, request: HttpRequest, queryset: QuerySet[SigningKeyRecord], error: str
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("吊销签名密钥"),
            "records": queryset,
            "error": error,
            "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "trust/admin_revoke.html", context)
