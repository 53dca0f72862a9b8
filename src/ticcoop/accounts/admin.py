from __future__ import annotations

from typing import Any

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ticcoop.accounts.models import Profile
from ticcoop.accounts.services import reset_second_factor, unlock_sign_in


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["region"]


class PlatformUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "profile_region", "is_staff", "is_active", "last_login"]
    list_filter = ["groups", "profile__region", "is_staff", "is_active"]
    search_fields = ["username", "email", "profile__display_name"]
    # Unlocking and lost phones (superusers only: regulators hold no permission on users).
    actions = ["unlock_sign_in", "reset_two_factor"]

    @admin.action(description=_("解除登录锁定"), permissions=["change"])
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = unlock_sign_in(request.user, list(queryset))
        self.message_user(request, _("已清除 %(count)d 条失败登录记录。") % {"count": count})

    @admin.action(description=_("重置两步验证（丢失手机时）"), permissions=["change"])
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            reset_second_factor(request.user, user)
        self.message_user(request, _("已重置所选账号的两步验证，下次登录时重新绑定。"))

    @admin.display(description=_("地区"), ordering="profile__region__code")
    def profile_region(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return str(profile.region) if profile and profile.region else "—"


admin.site.unregister(User)
admin.site.register(User, PlatformUserAdmin)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "region"]
    list_filter = ["region"]
    search_fields = ["user__username", "display_name"]
    autocomplete_fields = ["user", "region"]


class PlatformLogEntryAdmin(LogEntryAdmin):
    """The audit log, linking a user's or a record's admin page only for viewers who may
    open it: the national observer was sent to user pages that answer 403 (issue 13)."""

    @admin.display(description=_("用户"))
    def user_url(self, obj: Any) -> Any:
        request = getattr(self, "request", None)
        if obj.actor and request is not None and not request.user.has_perm("auth.view_user"):
            return str(obj.actor)
        return super().user_url(obj)  # the link, as safe HTML

    @admin.display(description=_("记录"))
    def resource_url(self, obj: Any) -> Any:
        request = getattr(self, "request", None)
        model = obj.content_type.model_class() if obj.content_type_id else None
        if request is not None and model is not None:
            permission = f"{model._meta.app_label}.view_{model._meta.model_name}"
            if not request.user.has_perm(permission):
                return f"{obj.content_type} - {obj.object_repr}"
        return super().resource_url(obj)


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, PlatformLogEntryAdmin)
