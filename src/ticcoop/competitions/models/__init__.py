"""Skills competitions (技能比武) for the testing staff of the five regions.

A competition is organised by one region and open to the staff of qualified institutions of
all five.  Scores are append-only records: the latest record of a contestant (and judge)
counts, and once the organiser has confirmed the scores a new record needs a reason
(corrections, never edits).  Scoring rules: ticcoop.methods.points and
docs/methods/competition-scoring.md.

The models live in three modules (``competition``, ``people``, ``scores``); everything is
re-exported here so ``ticcoop.competitions.models.X`` keeps working.
"""

from __future__ import annotations

from ticcoop.competitions.models.competition import (
    CONTESTANT_ORGANISER_PATH,
    ORGANISER_PATH,
    SCORE_VALIDATORS,
    SHARE_VALIDATORS,
    STATUS_ORDER,
    Competition,
    CompetitionStatus,
    Discipline,
    JudgeExclusion,
    SigmaRule,
    Stage,
    default_z_rule,
    rubric_problem,
)
from ticcoop.competitions.models.people import (
    ACTIVE_CONTESTANT_STATUSES,
    Contestant,
    ContestantStatus,
    Judge,
    StageNumber,
)
from ticcoop.competitions.models.scores import (
    Appeal,
    AppealOutcome,
    Award,
    BlindResult,
    JudgeScore,
    Medal,
    Result,
    ScoreRecord,
    TheoryScore,
)

__all__ = [
    "ACTIVE_CONTESTANT_STATUSES",
    "CONTESTANT_ORGANISER_PATH",
    "ORGANISER_PATH",
    "SCORE_VALIDATORS",
    "SHARE_VALIDATORS",
    "STATUS_ORDER",
    "Appeal",
    "AppealOutcome",
    "Award",
    "BlindResult",
    "Competition",
    "CompetitionStatus",
    "Contestant",
    "ContestantStatus",
    "Discipline",
    "Judge",
    "JudgeExclusion",
    "JudgeScore",
    "Medal",
    "Result",
    "ScoreRecord",
    "SigmaRule",
    "Stage",
    "StageNumber",
    "TheoryScore",
    "default_z_rule",
    "rubric_problem",
]
