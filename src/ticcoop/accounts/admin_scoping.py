"""The admin's side of region scoping: every region-scoped ModelAdmin derives from this."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import can_write_region, region_id_of_record, writable_region_ids
from ticcoop.accounts.services import delete_scoped_record, save_scoped_record
from ticcoop.regions.models import Region


class RegionScopedAdmin(admin.ModelAdmin):
    """Regulators read every region's records and write only their own region's, via services.

    Inline rows are saved through the same services, so they are scoped and audited too.
    """

    save_service: Callable[[Any, Any], Any] = staticmethod(save_scoped_record)
    delete_service: Callable[[Any, Any], None] = staticmethod(delete_scoped_record)

    def _may_write(self, request: HttpRequest, obj: models.Model | None) -> bool:
        return obj is None or can_write_region(request.user, region_id_of_record(obj))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.related_model is Region:
            region_ids = writable_region_ids(request.user)
            if region_ids is not None:
                kwargs["queryset"] = Region.objects.filter(pk__in=region_ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self.save_service(request.user, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_service(request.user, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for row in formset.save(commit=False):
            self.save_service(request.user, row)
        for row in formset.deleted_objects:
            self.delete_service(request.user, row)
        formset.save_m2m()

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_service(request.user, obj)


def run_admin_action(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, action: Any, *args: Any
) -> None:
    """Run a service as an admin action on ``args[0]``; report success or the refusal's reason."""
    try:
        action(request.user, *args)
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(getattr(exc, "messages", [str(exc)]))
        model_admin.message_user(request, f"{args[0]}：{text}", messages.ERROR)
    else:
        model_admin.message_user(request, f"{args[0]}：{_('已完成')}", messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by services: listed and shown in the back office, never edited."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyScopedAdmin(ReadOnlyAdmin, RegionScopedAdmin):
    """The same for region-scoped records (keeps the region-limited form fields)."""
