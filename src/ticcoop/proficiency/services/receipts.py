"""Signed submission receipts, written in the same transaction as the results they cover.

The receipt's content is a canonical JSON text (sorted keys, no spaces, UTF-8) of the round,
the participant code, the time received and every result line saved; its SHA-256 and those
facts are signed with the platform key (``ticcoop.trust``), so ``ticcoop verify-certificate``
checks the receipt offline and anyone can recompute the digest from the printed content.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from django.db.models import Max

from ticcoop.proficiency.models import Participant, Result, SubmissionReceipt
from ticcoop.trust.services import sign_fields

ISSUER = "platform"
DOCUMENT = "pt-receipt"


def canonical(participant: Participant, results: list[Result], received: datetime) -> str:
    lines = [
        [r.measurand.name, r.version, r.reported, r.expanded_u, r.k, r.method, r.source]
        for r in sorted(results, key=lambda r: (r.measurand.order, r.measurand.name))
    ]
    document = {
        "round": participant.round.code,
        "code": participant.code,
        "received": received.astimezone(UTC).isoformat(timespec="seconds"),
        "results": lines,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def issue_receipt(
    participant: Participant, results: list[Result], received: datetime
) -> SubmissionReceipt:
    """Called by ``submit_results`` inside its transaction (which writes the audit log)."""
    content = canonical(participant, results, received)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    # lock the participant so two simultaneous submissions do not take the same number
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    mine = SubmissionReceipt.objects.filter(participant=participant)
    last = mine.aggregate(n=Max("number"))["n"] or 0
    number = last + 1
    fields: dict[str, str | int] = {
        "doc": DOCUMENT,
        "no": f"{participant.round.code}/{participant.code}/{number}",
        "round": participant.round.code,
        "code": participant.code,
        "received": received.astimezone(UTC).isoformat(timespec="seconds"),
        "sha256": digest,
        "n": len(results),
    }
    return SubmissionReceipt.objects.create(
        participant=participant,
        number=number,
        received_at=received,
        content=content,
        digest=digest,
        token=sign_fields(ISSUER, fields),
    )
