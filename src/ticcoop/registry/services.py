"""Every write on the registry: checked for region scope, validated, atomic and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ticcoop import events
from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.services import delete_scoped_record, save_scoped_record
from ticcoop.registry.models import Institution, RiskClass, RiskClassChange

RISK_ORDER = [RiskClass.A, RiskClass.B, RiskClass.C, RiskClass.D]


@transaction.atomic
def save_institution(actor: Any, institution: Institution) -> Institution:
    """Create or change an institution; the actor must write both its old and new region."""
    save_scoped_record(actor, institution)
    events.record("institutions", institution)
    return institution


@transaction.atomic
def delete_institution(actor: Any, institution: Institution) -> None:
    delete_scoped_record(actor, institution)
    events.record("institutions", institution.credit_code, tombstone=True)


@transaction.atomic
def raise_risk_class(
    triggered_by: Any, institution: Institution, to_class: str, *, source: str, reason: str
) -> RiskClassChange | None:
    """Raise (never lower) an institution's credit-risk class by a published platform rule.

    Rules of other domains (PT results, inspection findings) apply to institutions of every
    region, so this is not a regional write: no region check, but the change is recorded with
    its source, reason and the user whose action triggered it. Returns None when the institution
    is already at or above ``to_class``.
    """
    if to_class not in RISK_ORDER:
        raise ValueError(f"unknown risk class {to_class!r}")
    locked = Institution.objects.select_for_update().get(pk=institution.pk)
    if RISK_ORDER.index(RiskClass(to_class)) <= RISK_ORDER.index(RiskClass(locked.risk_class)):
        return None
    change = RiskClassChange(
        institution=locked,
        from_class=locked.risk_class,
        to_class=to_class,
        source=source,
        reason=reason,
        triggered_by=triggered_by if getattr(triggered_by, "is_authenticated", False) else None,
    )
    with audit_as(triggered_by):
        locked.risk_class = to_class
        locked.save(update_fields=["risk_class", "updated_at"])
        change.save()
        events.record("institutions", locked)
    institution.risk_class = to_class
    return change
