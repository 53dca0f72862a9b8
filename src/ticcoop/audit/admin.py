from __future__ import annotations

from django.contrib import admin

from ticcoop.accounts.admin_scoping import ReadOnlyAdmin
from ticcoop.audit.models import ChainLink


@admin.register(ChainLink)
class ChainLinkAdmin(ReadOnlyAdmin):
    """The chain is written only by ``audit.chain`` and is append-only in the database."""

    list_display = ["seq", "table", "record_pk", "hash", "created_at"]
    list_filter = ["table"]
    search_fields = ["=record_pk", "=hash"]
    show_full_result_count = False  # a count of every link on each page load is wasted work
