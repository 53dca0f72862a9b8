# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema

from ticcoop.schemas import InSchema


class DisciplineOut(Schema):
    id: int
    code: str
    name: str
    weight_theory: Decimal
    weight_blind: Decimal
    weight_operation: Decimal
    quota_per_institution: int


class CompetitionOut(Schema):
    id: int
    title: str
    year: int
    organiser_region: str
    status: str
    registration_opens: datetime
    registration_closes: datetime
    venue: str

    @staticmethod
    def resolve_organiser_region(obj: Any) -> str:
        return str(obj.organiser_region.code)


class CompetitionDetailOut(CompetitionOut):
    schedule: str
    rules_text: str
    judge_exclusion: str
    z_rule: dict[str, Any]
    gold_share: Decimal
    silver_share: Decimal
    bronze_share: Decimal
    team_best_n: int
    disciplines: list[DisciplineOut]

    @staticmethod
    def resolve_disciplines(obj: Any) -> list[Any]:
        return list(obj.disciplines.all())


class RegistrationIn(InSchema):
    discipline: str  # discipline code, e.g. "HX"
    person_name: str
    staff_number: str


class ContestantOut(Schema):
    id: int
    person_name: str
    staff_number: str
    institution: str
    region: str
    discipline: str
    status: str
    number: str

    @staticmethod
    def resolve_institution(obj: Any) -> str:
        return str(obj.institution.credit_code)

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return str(obj.region.code)

    @staticmethod
    def resolve_discipline(obj: Any) -> str:
        return str(obj.discipline.code)


class CompetitionDecisionIn(InSchema):
    approve: bool
    note: str = ""


class ActionIn(InSchema):
    appeal_deadline: datetime | None = None


class TheoryScoreIn(InSchema):
    number: str
    score: Decimal
    submitted_at: datetime | None = None
    reason: str = ""


class BlindResultIn(InSchema):
    number: str
    value: float
    reason: str = ""


class JudgeScoreIn(InSchema):
    judge_id: int
    number: str
    item_scores: list[float] | None = None
    total: Decimal | None = None
    reason: str = ""


class RecordOut(Schema):
    id: int
    created_at: datetime


class ImportOut(Schema):
    imported: int


class CompetitionResultOut(Schema):
    rank: int
    contestant_id: int  # fetch the breakdown: /contestants/{contestant_id}/breakdown
    number: str
    person_name: str
    institution: str
    region: str
    discipline: str
    theory: Decimal
    blind: Decimal
    blind_z: float
    operation: Decimal
    total: Decimal
    medal: str
    award: str | None = None

    @staticmethod
    def resolve_number(obj: Any) -> str:
        return str(obj.contestant.number)

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.contestant.person_name)

    @staticmethod
    def resolve_institution(obj: Any) -> str:
        return str(obj.contestant.institution.name)

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return str(obj.contestant.region.code)

    @staticmethod
    def resolve_discipline(obj: Any) -> str:
        return str(obj.contestant.discipline.code)

    @staticmethod
    def resolve_award(obj: Any) -> str | None:
        award = getattr(obj.contestant, "award", None) if obj.medal else None
        return award.number if award else None


class TeamOut(Schema):
    rank: int
    team: str
    name: str
    score: Decimal
    counted: int


class SheetRowOut(Schema):
    """One contestant on a judge's sheet, by anonymous operation number only."""

    number: str
    excluded: bool
    exclusion_reason: str
    latest_total: Decimal | None
    latest_item_scores: list[float]
    records: int


class JudgeSheetOut(Schema):
    judge_id: int
    competition_id: int
    competition: str
    competition_status: str
    discipline: str
    discipline_name: str
    rubric: list[dict[str, Any]]
    rows: list[SheetRowOut]


class RankingOut(Schema):
    published: bool
    individuals: list[CompetitionResultOut]
    institutions: list[TeamOut]
    regions: list[TeamOut]


class BreakdownOut(Schema):
    contestant: ContestantOut
    result: CompetitionResultOut | None
    detail: dict[str, Any]
    stage_numbers: dict[str, str]


class AppealIn(InSchema):
    text: str


class AppealAnswerIn(InSchema):
    outcome: str
    answer: str


class AppealOut(Schema):
    id: int
    text: str
    filed_at: datetime
    outcome: str
    answer: str
    answered_at: datetime | None


class AwardVerifyOut(Schema):
    valid: bool
    error: str
    issuer: str
    fields: dict[str, Any]
    on_record: bool
