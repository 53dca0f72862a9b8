"""Helpers shared by the competition pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ticcoop.competitions import queries
from ticcoop.competitions.models import Competition

PAGE_SIZE = 25


def attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service; show its precise error instead of a crash (data unchanged)."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return False
    messages.success(request, success)
    return True


def organised(request: HttpRequest, pk: int) -> Competition:
    """The competition, for the regulators of its organiser region only (others: 403)."""
    competition = get_object_or_404(Competition.objects.select_related("organiser_region"), pk=pk)
    if not queries.is_organiser(request.user, competition):
        raise PermissionDenied
    return competition
