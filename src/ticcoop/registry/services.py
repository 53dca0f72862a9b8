"""Every write on the registry: checked for region scope, validated, atomic and audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from ticcoop import events
from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.services import delete_scoped_record, save_scoped_record
from ticcoop.audit.services import RowChange, log_rows
from ticcoop.bulk import insert_rows, update_rows
from ticcoop.registry.models import Institution, RiskClass, RiskClassChange

RISK_ORDER = [RiskClass.A, RiskClass.B, RiskClass.C, RiskClass.D]
#: Fields of a risk-class change in its audit entry when written in bulk.
CHANGE_FIELDS = ("institution_id", "from_class", "to_class", "source", "reason", "triggered_by_id")


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


@transaction.atomic
def raise_risk_classes(
    triggered_by: Any, raises: Sequence[tuple[int, str, str]], *, source: str
) -> list[RiskClassChange]:
    """:func:`raise_risk_class` for many institutions, each (key, class, reason) in order.

    For bulk writers (a publication of thousands of results): the rows are locked, updated
    and inserted together (``ticcoop.bulk``), with the audit entries (``log_rows``, chained),
    the change records and the events that saving each would write."""
    for _pk, to_class, _reason in raises:
        if to_class not in RISK_ORDER:
            raise ValueError(f"unknown risk class {to_class!r}")
    locked = Institution.objects.select_for_update().in_bulk([pk for pk, _c, _r in raises])
    user = triggered_by if getattr(triggered_by, "is_authenticated", False) else None
    changes: list[RiskClassChange] = []
    for pk, to_class, reason in raises:
        institution = locked[pk]
        current = RiskClass(institution.risk_class)
        if RISK_ORDER.index(RiskClass(to_class)) <= RISK_ORDER.index(current):
            continue
        changes.append(
            RiskClassChange(
                institution=institution, from_class=current, to_class=to_class,
                source=source, reason=reason, triggered_by=user,
            )
        )  # fmt: skip
        institution.risk_class = to_class
        institution.updated_at = timezone.now()
    update_rows(list({c.institution_id: c.institution for c in changes}.values()),
                ["risk_class", "updated_at"])  # fmt: skip
    insert_rows(changes)
    log_rows(
        triggered_by,
        Institution,
        (RowChange(c.institution_id, str(c.institution), {"risk_class": (c.from_class, c.to_class)})
         for c in changes),
    )  # fmt: skip
    log_rows(
        triggered_by,
        RiskClassChange,
        (RowChange(c.pk, str(c), {f: (None, getattr(c, f)) for f in CHANGE_FIELDS}, True)
         for c in changes),
    )  # fmt: skip
    events.record_many("institutions", [c.institution for c in changes])
    return changes
