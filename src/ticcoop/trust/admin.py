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

SUPERUSER_ACTIONS = (
    "rotate_selected",
    "rotate_selected_to_sm2",
    "rotate_selected_to_ed25519",
    "revoke_selected",
)


@admin.register(SigningKeyRecord)
class SigningKeyRecordAdmin(admin.ModelAdmin):
    list_display = [
        "kid",
        "issuer",
        "algorithm",
        "status",
        "valid_from",
        "retired_at",
        "revoked_at",
    ]
    list_filter = ["issuer", "algorithm", "status"]
    search_fields = ["kid", "issuer", "revocation_reason"]
    # The private key is never displayed: it is not among the fields at all.
    fields = (
        "issuer",
        "kid",
        "algorithm",
        "public_key",
        "status",
        "valid_from",
        "retired_at",
        "revoked_at",
        "revocation_reason",
        "created_at",
    )
    readonly_fields = fields
    actions = [
        "rotate_selected",
        "rotate_selected_to_sm2",
        "rotate_selected_to_ed25519",
        "revoke_selected",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            for name in SUPERUSER_ACTIONS:
                actions.pop(name, None)
        return actions

    @admin.action(description=gettext_lazy("轮换所选密钥的签发方（生成新密钥，旧密钥停用）"))
    def rotate_selected(self, request: HttpRequest, queryset: QuerySet[SigningKeyRecord]) -> None:
        self._rotate(request, queryset, None)

    @admin.action(description=gettext_lazy("轮换为 SM2 国密密钥（旧密钥停用，仍可核验）"))
    def rotate_selected_to_sm2(
        self, request: HttpRequest, queryset: QuerySet[SigningKeyRecord]
    ) -> None:
        self._rotate(request, queryset, "SM2")

    @admin.action(description=gettext_lazy("轮换为 Ed25519 密钥（旧密钥停用，仍可核验）"))
    def rotate_selected_to_ed25519(
        self, request: HttpRequest, queryset: QuerySet[SigningKeyRecord]
    ) -> None:
        self._rotate(request, queryset, "Ed25519")

    def _rotate(
        self, request: HttpRequest, queryset: QuerySet[SigningKeyRecord], algorithm: str | None
    ) -> None:
        for issuer in sorted(set(queryset.values_list("issuer", flat=True))):
            try:
                record = services.rotate_key(request.user, issuer, algorithm)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
            self.message_user(
                request,
                _("%(issuer)s 的新密钥：%(kid)s（%(algorithm)s）")
                % {"issuer": issuer, "kid": record.kid, "algorithm": record.algorithm},
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
