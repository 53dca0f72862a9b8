"""Every write of the supervision app (``verb_noun(actor, …)``)."""

from __future__ import annotations

from ticcoop.supervision.services.ceremony import (
    commit_seed,
    enter_public_value,
    expire_ceremonies,
    freeze_snapshot,
    restart_ceremony,
    reveal_seed,
)
from ticcoop.supervision.services.directory import (
    publish_item,
    save_availability,
    save_item,
    save_target,
)
from ticcoop.supervision.services.importing import import_targets
from ticcoop.supervision.services.plans import (
    create_batch,
    create_due_batches,
    publish_plan,
    request_redraw,
    save_plan,
)
from ticcoop.supervision.services.replacements import replace_target
from ticcoop.supervision.services.results import (
    add_evidence,
    publish_result,
    record_result,
)

__all__ = [
    "add_evidence",
    "commit_seed",
    "create_batch",
    "create_due_batches",
    "enter_public_value",
    "expire_ceremonies",
    "freeze_snapshot",
    "import_targets",
    "publish_item",
    "publish_plan",
    "publish_result",
    "record_result",
    "replace_target",
    "request_redraw",
    "restart_ceremony",
    "reveal_seed",
    "save_availability",
    "save_item",
    "save_plan",
    "save_target",
]
