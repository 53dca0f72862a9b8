# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

from datetime import date, datetime

from ninja import Schema

from ticcoop.schemas import InSchema


class PairOut(Schema):
    inspecting: str
    inspected: str
    repeated: bool

    @staticmethod
    def resolve_inspecting(obj: object) -> str:
        return obj.inspecting.code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_inspected(obj: object) -> str:
        return obj.inspected.code  # type: ignore[attr-defined]


class TargetOut(Schema):
    id: int
    inspecting: str
    inspected: str
    credit_code: str
    institution: str
    ticket: str
    rank: int
    status: str
    team: list[int]
    shortfall: str

    @staticmethod
    def resolve_inspecting(obj: object) -> str:
        return obj.pair.inspecting.code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_inspected(obj: object) -> str:
        return obj.pair.inspected.code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_credit_code(obj: object) -> str:
        return obj.institution.credit_code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_institution(obj: object) -> str:
        return obj.institution.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_team(obj: object) -> list[int]:
        return [member.expert_id for member in obj.team.all()]  # type: ignore[attr-defined]


class CampaignOut(Schema):
    id: int
    year: int
    title: str
    organiser: str
    status: str
    seed: str
    snapshot: str
    candidate: str
    candidate_position: int | None
    candidate_count: int | None

    @staticmethod
    def resolve_organiser(obj: object) -> str:
        return obj.organiser.code  # type: ignore[attr-defined]


class CampaignDetailOut(CampaignOut):
    pairs: list[PairOut]
    targets: list[TargetOut]

    @staticmethod
    def resolve_pairs(obj: object) -> list[object]:
        return list(obj.pairs.select_related("inspecting", "inspected"))  # type: ignore[attr-defined]

    @staticmethod
    def resolve_targets(obj: object) -> list[object]:
        from ticcoop.inspections.models import CampaignTarget

        return list(
            CampaignTarget.objects.filter(pair__campaign_id=obj.pk)  # type: ignore[attr-defined]
            .select_related("pair__inspecting", "pair__inspected", "institution")
            .prefetch_related("team")
        )


class CampaignIn(InSchema):
    year: int
    title: str
    participants: list[str]
    items: str
    risk_classes: str = "ABCD"
    fields: str = ""
    per_region: int = 3
    pattern_k: int = 1
    no_mutual: bool = True
    team_size: int = 2
    inspector_cap: int = 2
    deadline_days: int = 20
    previous_id: int | None = None


class DrawIn(InSchema):
    seed: str = ""


class InspectionIn(InSchema):
    inspected: bool = True
    inspected_on: date | None = None
    summary: str = ""


class FindingIn(InSchema):
    clause_id: int
    description: str
    severity: str
    field: str = ""
    deadline_days: int | None = None


class FindingOut(Schema):
    id: int
    target_id: int
    institution: str
    clause: str
    severity: str
    field: str
    description: str
    deadline: date
    status: str
    overdue: bool
    published: bool

    @staticmethod
    def resolve_institution(obj: object) -> str:
        return obj.target.institution.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_clause(obj: object) -> str:
        return obj.clause.number  # type: ignore[attr-defined]

    @staticmethod
    def resolve_overdue(obj: object) -> bool:
        return bool(obj.is_overdue())  # type: ignore[attr-defined]


class TextIn(InSchema):
    text: str


class OptionalTextIn(InSchema):
    text: str = ""


class NoteIn(InSchema):
    note: str = ""


class FindingRectificationOut(Schema):
    id: int
    finding_id: int
    text: str
    submitted_at: datetime
    decision: str


class CaseOut(Schema):
    pk: int
    year: int
    clause_number: str
    clause_title: str
    severity: str
    field: str
    region: str
    institution: str
    credit_code: str
    description: str
    status: str


class ProblemCountOut(Schema):
    number: str
    title: str
    total: int
    by_region: dict[str, int]


class JointTaskIn(InSchema):
    title: str
    kind: str
    participants: list[str]
    scope: str
    planned_start: date
    planned_end: date
    member_ids: list[int] = []
    leader_id: int | None = None
    institution_code: str = ""


class JointParticipantOut(Schema):
    region: str
    accepted_at: datetime | None

    @staticmethod
    def resolve_region(obj: object) -> str:
        return obj.region.code  # type: ignore[attr-defined]


class JointTaskOut(Schema):
    id: int
    year: int
    title: str
    kind: str
    lead_region: str
    status: str
    scope: str
    planned_start: date
    planned_end: date
    report: str
    participants: list[JointParticipantOut]
    members: list[int]

    @staticmethod
    def resolve_lead_region(obj: object) -> str:
        return obj.lead_region.code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_participants(obj: object) -> list[object]:
        return list(obj.participants.select_related("region"))  # type: ignore[attr-defined]

    @staticmethod
    def resolve_members(obj: object) -> list[int]:
        return [m.expert_id for m in obj.members.all()]  # type: ignore[attr-defined]


class HandoverIn(InSchema):
    to_region: str
    summary: str


class HandoverOut(Schema):
    id: int
    to_region: str
    summary: str
    handed_over_at: datetime
    received_at: datetime | None

    @staticmethod
    def resolve_to_region(obj: object) -> str:
        return obj.to_region.code  # type: ignore[attr-defined]


class ItemProgressOut(Schema):
    number: int
    title: str
    area: str
    lead_region: str
    deadline: date
    metric: str
    available: bool
    value: float | None
    progress: float | None
    milestones_done: int
    milestones_total: int
    done: bool
    overdue: bool
    detail: str


class PlanOut(Schema):
    year: int
    title: str
    items: list[ItemProgressOut]
