"""Every write of the assessment app (``verb_noun(actor, ...)``), re-exported by topic."""

from __future__ import annotations

from ticcoop.assessments.services.assessments import (
    change_team,
    conclude_assessment,
    create_assessment,
    raise_nonconformity,
    record_outcomes,
    start_assessment,
)
from ticcoop.assessments.services.catalogue import (
    create_catalogue_draft_from,
    delete_catalogue_part,
    publish_catalogue,
    save_catalogue_part,
)
from ticcoop.assessments.services.rectification import (
    accept_rectification,
    return_rectification,
    submit_rectification,
)

__all__ = [
    "accept_rectification",
    "change_team",
    "conclude_assessment",
    "create_assessment",
    "create_catalogue_draft_from",
    "delete_catalogue_part",
    "publish_catalogue",
    "raise_nonconformity",
    "record_outcomes",
    "return_rectification",
    "save_catalogue_part",
    "start_assessment",
    "submit_rectification",
]
