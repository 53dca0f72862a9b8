from __future__ import annotations

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
