"""Fixtures of the project-level tests (browser, settings, backup, database faults)."""

from __future__ import annotations

import importlib

import pytest


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush every table between tests; put back what migrations load.

    Not serialized_rollback: restoring auth rows fires the audit log, which recreates content
    types before they are restored (UNIQUE constraint failures). Flushing re-runs post_migrate,
    which brings back content types, permissions and the role groups; the regions come back here.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    from django.apps import apps

    from ticcoop.accounts.roles import grant_role_permissions

    regions = importlib.import_module("ticcoop.regions.migrations.0002_five_regions")
    regions.load_regions(apps, None)
    grant_role_permissions()
