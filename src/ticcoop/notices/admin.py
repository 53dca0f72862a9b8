from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ticcoop.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: messages are written by the services that have something to say."""

    list_display = ("pk", "user", "key", "created_at", "read_at", "emailed_at")
    list_filter = ("key",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
