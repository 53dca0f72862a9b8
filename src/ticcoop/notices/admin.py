from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ticcoop.notices.models import Notice, NoticeSettings


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: messages are written by the services that have something to say."""

    list_display = ("pk", "user", "key", "created_at", "read_at", "emailed_at")
    list_filter = ("key",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(NoticeSettings)
class NoticeSettingsAdmin(admin.ModelAdmin):
    """Read-only: each user changes their own settings on the inbox page."""

    list_display = ("user", "email_digest", "language")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
