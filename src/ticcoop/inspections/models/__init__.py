"""Cross mutual inspection (交叉互查), joint inspection tasks (联合检查) and the action plan."""

from __future__ import annotations

from ticcoop.inspections.models.campaigns import (
    Campaign,
    CampaignPair,
    CampaignStatus,
    CampaignTarget,
    Finding,
    FindingFile,
    FindingRectification,
    FindingStatus,
    RectificationDecision,
    TargetStatus,
    TeamAssignment,
)
from ticcoop.inspections.models.joint import (
    CaseHandover,
    JointTask,
    JointTaskFile,
    JointTaskKind,
    JointTaskMember,
    JointTaskNote,
    JointTaskRegion,
    JointTaskStatus,
)
from ticcoop.inspections.models.plan import ActionItem, ActionPlan, Milestone, PlanArea

__all__ = [
    "ActionItem",
    "ActionPlan",
    "Campaign",
    "CampaignPair",
    "CampaignStatus",
    "CampaignTarget",
    "CaseHandover",
    "Finding",
    "FindingFile",
    "FindingRectification",
    "FindingStatus",
    "JointTask",
    "JointTaskFile",
    "JointTaskKind",
    "JointTaskMember",
    "JointTaskNote",
    "JointTaskRegion",
    "JointTaskStatus",
    "Milestone",
    "PlanArea",
    "RectificationDecision",
    "TargetStatus",
    "TeamAssignment",
]
