"""Back office for API clients: register one (its token is shown once), revoke tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticcoop.accounts.admin_scoping import RegionScopedAdmin
from ticcoop.apiclients import services
from ticcoop.apiclients.models import ApiClient, ApiToken


class TokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    fields = ("prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiClient)
class ApiClientAdmin(RegionScopedAdmin):
    list_display = ("name", "scope", "region", "institution", "is_active", "created_at")
    list_filter = ("scope", "region", "is_active")
    fields = ("name", "scope", "region", "institution", "owner", "is_active")
    inlines = [TokenInline]
    actions = ["issue_token", "revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("name", "scope", "region", "institution", "is_active") if obj else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        client, token = services.create_client(
            request.user,
            name=obj.name,
            scope=obj.scope,
            region=obj.region,
            institution=obj.institution,
            owner=obj.owner or request.user,
        )
        obj.pk = client.pk
        self._show_token(request, token)

    def _show_token(self, request: HttpRequest, token: str) -> None:
        messages.warning(
            request, _("新令牌（只显示这一次，请立即保存）：%(token)s") % {"token": token}
        )

    @admin.action(description=gettext_lazy("签发新令牌"))
    def issue_token(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            _record, token = services.issue_token(request.user, client)
            self._show_token(request, token)

    @admin.action(description=gettext_lazy("停用并吊销全部令牌"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        revoked = sum(services.revoke_client(request.user, client) for client in queryset)
        messages.success(request, _("已吊销 %(count)d 个令牌") % {"count": revoked})


@admin.register(ApiToken)
class ApiTokenAdmin(RegionScopedAdmin):
    """Tokens are made by the client's action (shown once); here they are only revoked."""

    list_display = ("prefix", "client", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("client",)
    readonly_fields = ("client", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=gettext_lazy("吊销令牌"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.select_related("client"):
            services.revoke_token(request.user, token)
        messages.success(request, _("已吊销 %(count)d 个令牌") % {"count": queryset.count()})
