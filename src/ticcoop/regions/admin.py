from __future__ import annotations

from django.contrib import admin

from ticcoop.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "short_name", "authority_code", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]
    list_filter = ["is_active"]
