"""Back office: the outbox (read only), webhook subscriptions, deliveries and their replay."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticcoop.accounts.admin_scoping import RegionScopedAdmin
from ticcoop.events import webhooks
from ticcoop.events.models import Delivery, Event, Subscription


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "key", "type", "tombstone", "created_at")
    list_filter = ("kind", "type", "tombstone")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(RegionScopedAdmin):
    list_display = ("url", "client", "is_active", "paused_at", "failures_in_row")
    fields = ("client", "url", "types", "is_active", "secret", "paused_at", "failures_in_row")
    readonly_fields = ("secret", "paused_at", "failures_in_row")
    actions = ["resume"]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # an address typed without a scheme
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # a new subscription gets its secret (and the type checks) from the service
        created = webhooks.subscribe(request.user, obj.client, obj.url, list(obj.types or []))
        obj.pk, obj.secret = created.pk, created.secret

    @admin.action(description=gettext_lazy("恢复投递"))
    def resume(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        for subscription in queryset:
            webhooks.resume(request.user, subscription)
        messages.success(request, _("已恢复"))


@admin.register(Delivery)
class DeliveryAdmin(RegionScopedAdmin):
    list_display = ("__str__", "subscription", "event", "status", "attempts", "next_attempt_at")
    list_filter = ("status",)
    readonly_fields = (
        "subscription", "event", "status", "attempts", "last_error", "next_attempt_at",
        "delivered_at", "created_at",
    )  # fmt: skip
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=gettext_lazy("重新投递"))
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        for delivery in queryset:
            webhooks.replay(request.user, delivery)
        messages.success(request, _("已重新投递"))
