"""Joint proficiency testing (能力验证): schemes, rounds, participants, results, evaluations.

A scheme is organised by one region (``organising_region``); institutions of every region take
part. Evaluations store every input and output of the ISO 13528 statistics and become
immutable once the round's report is published.

The models live in five modules (``schemes``, ``evaluation``, ``followup``, ``receipts``,
``workflow``, ``reports``); everything is re-exported here so ``ticcoop.proficiency.models.X``
keeps working.
"""

from __future__ import annotations

from ticcoop.proficiency.models.evaluation import (
    CheckDecision,
    CheckKind,
    EvaluationRun,
    ItemCheck,
    MeasurandEvaluation,
    Performance,
    Result,
    ResultSource,
    Score,
)
from ticcoop.proficiency.models.followup import ActionStatus, CorrectiveAction
from ticcoop.proficiency.models.receipts import SubmissionReceipt
from ticcoop.proficiency.models.reports import (
    PARTICULAR_FIELDS,
    ParticipantLetter,
    ParticipationCertificate,
    Report,
    ReportLayout,
    ReportParticulars,
)
from ticcoop.proficiency.models.schemes import (
    AssignedValueMethod,
    CensorRule,
    Measurand,
    Participant,
    ReferenceValue,
    RobustMethod,
    Round,
    RoundStatus,
    Scheme,
    SigmaMethod,
    StoppingRule,
)
from ticcoop.proficiency.models.workflow import Condition, Dispatch, Extension, Instructions

__all__ = [
    "PARTICULAR_FIELDS",
    "ActionStatus",
    "AssignedValueMethod",
    "CensorRule",
    "CheckDecision",
    "CheckKind",
    "Condition",
    "CorrectiveAction",
    "Dispatch",
    "EvaluationRun",
    "Extension",
    "Instructions",
    "ItemCheck",
    "Measurand",
    "MeasurandEvaluation",
    "Participant",
    "ParticipantLetter",
    "ParticipationCertificate",
    "Performance",
    "ReferenceValue",
    "Report",
    "ReportLayout",
    "ReportParticulars",
    "Result",
    "ResultSource",
    "RobustMethod",
    "Round",
    "RoundStatus",
    "Scheme",
    "Score",
    "SigmaMethod",
    "StoppingRule",
    "SubmissionReceipt",
]
