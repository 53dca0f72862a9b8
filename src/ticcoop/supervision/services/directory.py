"""Writes on the item list, the target directory and the inspector directory."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import access_record_change, access_region_write
from ticcoop.supervision.models import InspectionItem, InspectorAvailability, Target
from ticcoop.supervision.services._common import invalid


@transaction.atomic
def save_item(actor: Any, item: InspectionItem) -> InspectionItem:
    """Create or change an item; a published item's number and rates stay as published."""
    access_record_change(actor, item)
    if item.pk is not None:
        stored = InspectionItem.objects.get(pk=item.pk)
        if stored.published_at is not None:
            item.published_at = stored.published_at
    item.full_clean()
    with audit_as(actor):
        item.save()
    return item


@transaction.atomic
def publish_item(actor: Any, item: InspectionItem) -> InspectionItem:
    access_region_write(actor, item)
    if item.published_at is not None:
        raise invalid("published_at", _("该事项已经公示"))
    with audit_as(actor):
        item.published_at = timezone.now()
        item.save(update_fields=["published_at"])
    return item


@transaction.atomic
def save_target(actor: Any, target: Target) -> Target:
    access_record_change(actor, target)
    target.full_clean()
    with audit_as(actor):
        target.save()
    return target


@transaction.atomic
def save_availability(actor: Any, record: InspectorAvailability) -> InspectorAvailability:
    access_record_change(actor, record)
    if not record.expert.is_inspector:
        raise invalid("expert", _("该人员不是执法检查人员"))
    record.full_clean()
    with audit_as(actor):
        record.save()
    return record
