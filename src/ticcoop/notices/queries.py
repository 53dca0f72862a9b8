"""Reading a user's inbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ticcoop.notices.models import Notice


def inbox_of(user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()
