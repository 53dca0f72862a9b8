"""Every write of proficiency testing; views, API, admin and demo call these."""

from __future__ import annotations

from ticcoop.proficiency.services.checks import decide_item_check, record_item_check
from ticcoop.proficiency.services.enrolment import enrol
from ticcoop.proficiency.services.evaluation import evaluate_round, publish_round
from ticcoop.proficiency.services.followup import answer_action, apply_risk_rule, close_action
from ticcoop.proficiency.services.reports import (
    correct_report,
    issue_participation_certificate,
    reissue_legacy_reports,
    save_report_particulars,
    store_letters,
    store_report,
)
from ticcoop.proficiency.services.results import Entry, submit_results, upload_results
from ticcoop.proficiency.services.rounds import (
    close_results,
    create_scheme,
    dispatch_items,
    save_measurand,
    save_round,
    save_scheme,
    set_reference,
)
from ticcoop.proficiency.services.workflow import (
    DispatchRow,
    confirm_receipt,
    grant_extension,
    record_dispatches,
    save_instructions,
    upload_dispatches,
)

__all__ = [
    "DispatchRow",
    "Entry",
    "answer_action",
    "apply_risk_rule",
    "close_action",
    "close_results",
    "confirm_receipt",
    "correct_report",
    "create_scheme",
    "decide_item_check",
    "dispatch_items",
    "enrol",
    "evaluate_round",
    "grant_extension",
    "issue_participation_certificate",
    "publish_round",
    "record_dispatches",
    "record_item_check",
    "reissue_legacy_reports",
    "save_instructions",
    "save_measurand",
    "save_report_particulars",
    "save_round",
    "save_scheme",
    "set_reference",
    "store_letters",
    "store_report",
    "submit_results",
    "upload_dispatches",
    "upload_results",
]
