"""What a change feed says about each kind of object: its key and a small JSON payload.

Kept here (not in the domain apps) so each service only adds one ``events.record`` line.
"""

from __future__ import annotations

from typing import Any

from django.db import models


def _region_code(obj: Any, path: str) -> str:
    target = obj
    for part in path.split("."):
        target = getattr(target, part, None)
        if target is None:
            return ""
    return str(target)


def describe(kind: str, obj: models.Model) -> tuple[str, dict[str, Any]]:
    o: Any = obj
    if kind == "institutions":
        return o.credit_code, {
            "credit_code": o.credit_code,
            "name": o.name,
            "region": _region_code(o, "region.code"),
            "status": o.status,
            "risk_class": o.risk_class,
        }
    if kind == "certificates":
        return o.number, {
            "number": o.number,
            "credit_code": o.institution.credit_code,
            "institution_name": o.institution.name,
            "status": o.status,
            "version": o.version,
            "issue_date": o.issue_date,
            "expiry_date": o.expiry_date,
        }
    if kind == "pt-rounds":
        return str(o.pk), {"round": str(o), "status": o.status, "published_at": o.published_at}
    if kind == "draws":
        return f"{obj._meta.model_name}-{o.pk}", {"object": str(o), "model": obj._meta.model_name}
    if kind == "tasks":
        return str(o.pk), {
            "batch": o.batch_id,
            "target_code": o.target_code,
            "target_name": o.target_name,
            "region": _region_code(o, "region.code"),
            "items": o.items,
            "status": o.status,
        }
    if kind == "results":
        return str(o.pk), {
            "task": o.task_id,
            "result": o.result,
            "published_at": o.published_at,
        }
    if kind == "findings":
        return str(o.pk), {
            "status": o.status,
            "severity": o.severity,
            "deadline": o.deadline,
            "region": _region_code(o, "target.institution.region.code"),
            # the inspecting region reads the finding too (a cross-region inspection)
            "inspecting_region": _region_code(o, "target.pair.inspecting.code"),
        }
    return str(o.pk), {"object": str(o)}


def region_of_users(users: Any) -> str:
    """The region code of the people told about a deadline (a regulator's region, or the region
    of the institution an institution user acts for); "" when they have none or several."""
    codes: set[str] = set()
    for user in users:
        region = getattr(getattr(user, "profile", None), "region", None)
        if region is None:
            membership = getattr(user, "institution_membership", None)
            region = getattr(getattr(membership, "institution", None), "region", None)
        if region is not None:
            codes.add(str(region.code))
    return codes.pop() if len(codes) == 1 else ""
