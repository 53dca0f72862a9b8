"""Loaded by every consumer (Huey autodiscovers ``tasks`` modules): the platform's schedule."""

from __future__ import annotations

from ticcoop.config import schedules

__all__ = ["schedules"]
