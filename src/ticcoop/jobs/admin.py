from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ticcoop.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs are written by their runner, re-run from the job page."""

    list_display = ("pk", "kind", "user", "state", "rows_done", "rows_total", "created_at")
    list_filter = ("state", "kind")
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
