"""Every write of the competitions app (``verb_noun(actor, ...)``, atomic, audited)."""

from __future__ import annotations

from ticcoop.competitions.services.appeals import answer_appeal, file_appeal
from ticcoop.competitions.services.lifecycle import (
    add_judge,
    close_registration,
    delete_discipline,
    open_registration,
    remove_judge,
    save_competition,
    save_discipline,
    start_competition,
)
from ticcoop.competitions.services.registration import (
    decide_contestant,
    eligibility_problems,
    register_contestant,
    withdraw_contestant,
)
from ticcoop.competitions.services.results import confirm_scores, open_appeals, publish_results
from ticcoop.competitions.services.scoring import (
    contestant_by_number,
    import_theory_scores,
    record_blind_result,
    record_judge_score,
    record_theory_score,
)

__all__ = [
    "add_judge",
    "answer_appeal",
    "close_registration",
    "confirm_scores",
    "contestant_by_number",
    "decide_contestant",
    "delete_discipline",
    "eligibility_problems",
    "file_appeal",
    "import_theory_scores",
    "open_appeals",
    "open_registration",
    "publish_results",
    "record_blind_result",
    "record_judge_score",
    "record_theory_score",
    "register_contestant",
    "remove_judge",
    "save_competition",
    "save_discipline",
    "start_competition",
    "withdraw_contestant",
]
