"""Every write on the registry: checked for region scope, validated, atomic and audited."""

from __future__ import annotations

from typing import Any

from ticcoop.accounts.services import delete_scoped_record, save_scoped_record
from ticcoop.registry.models import Institution


def save_institution(actor: Any, institution: Institution) -> Institution:
    """Create or change an institution; the actor must write both its old and new region."""
    save_scoped_record(actor, institution)
    return institution


def delete_institution(actor: Any, institution: Institution) -> None:
    delete_scoped_record(actor, institution)
