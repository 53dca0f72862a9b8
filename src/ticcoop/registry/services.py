"""Every write on the registry: checked for region scope, validated, atomic and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.queries import access_record_change, access_region_write
from ticcoop.registry.models import Expert, Institution


@transaction.atomic
def save_institution(actor: Any, institution: Institution) -> Institution:
    """Create or change an institution; the actor must write both its old and new region."""
    access_record_change(actor, institution)
    institution.full_clean()
    with audit_as(actor):
        institution.save()
    return institution


@transaction.atomic
def delete_institution(actor: Any, institution: Institution) -> None:
    access_region_write(actor, institution)
    with audit_as(actor):
        institution.delete()


@transaction.atomic
def save_expert(actor: Any, expert: Expert) -> Expert:
    access_record_change(actor, expert)
    expert.full_clean()
    with audit_as(actor):
        expert.save()
    return expert


@transaction.atomic
def delete_expert(actor: Any, expert: Expert) -> None:
    access_region_write(actor, expert)
    with audit_as(actor):
        expert.delete()
