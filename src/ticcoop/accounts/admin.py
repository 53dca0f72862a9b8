from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from ticcoop.accounts.models import Profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["region"]


class PlatformUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "profile_region", "is_staff", "is_active", "last_login"]
    list_filter = ["groups", "profile__region", "is_staff", "is_active"]
    search_fields = ["username", "email", "profile__display_name"]

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
