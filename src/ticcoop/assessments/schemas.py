# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

from datetime import date, datetime
from typing import Any

from ninja import Schema

from ticcoop.assessments.queries import assessment_allows_issue, is_overdue
from ticcoop.registry.queries import sees_expert_ties
from ticcoop.schemas import InSchema


class ClauseOut(Schema):
    id: int
    number: str
    title: str
    text: str


class ElementOut(Schema):
    number: int
    name: str
    clauses: list[ClauseOut]

    @staticmethod
    def resolve_clauses(obj: object) -> list[object]:
        return list(obj.clauses.all())  # type: ignore[attr-defined]


class CatalogueOut(Schema):
    id: int
    code: str
    version: int
    title: str
    status: str
    published_at: datetime | None


class CatalogueDetailOut(CatalogueOut):
    elements: list[ElementOut]

    @staticmethod
    def resolve_elements(obj: object) -> list[object]:
        return list(obj.elements.prefetch_related("clauses"))  # type: ignore[attr-defined]


class TieOut(Schema):
    institution: str
    reason: str

    @staticmethod
    def resolve_institution(obj: object) -> str:
        return obj.institution.name  # type: ignore[attr-defined]


class ExpertOut(Schema):
    """A pool member; ``employer_name`` and ``ties`` are null unless the caller is a
    regulator or an observer (registry.queries.sees_expert_ties)."""

    id: int
    name: str
    region_code: str
    employer_name: str | None
    is_assessor: bool
    is_expert: bool
    specialties: str
    ties: list[TieOut] | None

    @staticmethod
    def resolve_region_code(obj: object) -> str:
        return obj.region.code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_employer_name(obj: object, context: dict[str, Any]) -> str | None:
        if not sees_expert_ties(context["request"].user):
            return None
        return obj.employer_name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_ties(obj: object, context: dict[str, Any]) -> list[object] | None:
        if not sees_expert_ties(context["request"].user):
            return None
        return list(obj.ties.all())  # type: ignore[attr-defined]


class MemberOut(Schema):
    expert_id: int
    name: str
    is_leader: bool

    @staticmethod
    def resolve_name(obj: object) -> str:
        return obj.expert.name  # type: ignore[attr-defined]


class OutcomeOut(Schema):
    clause: str
    outcome: str
    note: str

    @staticmethod
    def resolve_clause(obj: object) -> str:
        return obj.clause.number  # type: ignore[attr-defined]


class AssessmentOut(Schema):
    id: int
    institution_credit_code: str
    institution_name: str
    region_code: str
    kind: str
    catalogue_id: int
    status: str
    planned_date: date
    onsite_start: date
    onsite_end: date
    conclusion: str
    allows_issue: bool

    @staticmethod
    def resolve_institution_credit_code(obj: object) -> str:
        return obj.institution.credit_code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_institution_name(obj: object) -> str:
        return obj.institution.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_region_code(obj: object) -> str:
        return obj.institution.region.code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_allows_issue(obj: object) -> bool:
        return assessment_allows_issue(obj) is None  # type: ignore[arg-type]


class AssessmentDetailOut(AssessmentOut):
    team: list[MemberOut]
    outcomes: list[OutcomeOut]
    summary: str

    @staticmethod
    def resolve_team(obj: object) -> list[object]:
        return list(obj.members.select_related("expert"))  # type: ignore[attr-defined]

    @staticmethod
    def resolve_outcomes(obj: object) -> list[object]:
        return list(obj.outcomes.select_related("clause"))  # type: ignore[attr-defined]


class AssessmentIn(InSchema):
    institution_credit_code: str
    kind: str
    catalogue_id: int
    planned_date: date
    onsite_start: date
    onsite_end: date
    team: list[int]
    leader: int | None = None


class TeamIn(InSchema):
    team: list[int]
    leader: int | None = None


class OutcomeIn(InSchema):
    clause: str
    outcome: str
    note: str = ""


class ConcludeIn(InSchema):
    conclusion: str
    summary: str = ""


class NonconformityIn(InSchema):
    clause: str
    description: str
    severity: str
    deadline: date | None = None


class NcRectificationOut(Schema):
    id: int
    evidence: str
    submitted_at: datetime
    decision: str
    review_note: str
    files: list[dict[str, object]]

    @staticmethod
    def resolve_files(obj: object) -> list[dict[str, object]]:
        return [
            {"name": f.name, "size": f.size, "sha256": f.sha256}
            for f in obj.files.all()  # type: ignore[attr-defined]
        ]


class NonconformityOut(Schema):
    id: int
    assessment_id: int
    institution_name: str
    region_code: str
    clause: str
    description: str
    severity: str
    deadline: date
    status: str
    overdue: bool
    closure_note: str

    @staticmethod
    def resolve_institution_name(obj: object) -> str:
        return obj.assessment.institution.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_region_code(obj: object) -> str:
        return obj.assessment.institution.region.code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_clause(obj: object) -> str:
        return obj.clause.number  # type: ignore[attr-defined]

    @staticmethod
    def resolve_overdue(obj: object) -> bool:
        return is_overdue(obj)  # type: ignore[arg-type]


class ReviewIn(InSchema):
    note: str = ""
