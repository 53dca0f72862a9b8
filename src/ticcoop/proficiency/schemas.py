# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
from datetime import date, datetime
from typing import Any

from ninja import Schema

from ticcoop.schemas import InSchema


class MeasurandIn(InSchema):
    name: str
    unit: str
    decimals: int = 2
    sigma_value: float | None = None
    sigma_percent: float | None = None
    mass_fraction_per_unit: float | None = None


class MeasurandOut(MeasurandIn):
    id: int


class SchemeIn(InSchema):
    code: str
    organising_region: str | None = None  # region code; default: the user's own region
    name: str
    provider_name: str
    field: str
    method_requirements: str = ""
    x_pt_method: str = "consensus"
    robust_method: str = "algorithm-a"
    stopping_rule: str = "sig3"
    censor_rule: str = "exclude"
    sigma_method: str = "percent"
    min_participants: int = 12
    corrective_action_days: int = 30
    measurands: list[MeasurandIn]


class SchemeOut(Schema):
    id: int
    code: str
    name: str
    organising_region: str
    provider_name: str
    field: str
    method_requirements: str
    x_pt_method: str
    robust_method: str
    stopping_rule: str
    censor_rule: str
    sigma_method: str
    min_participants: int
    measurands: list[MeasurandOut]


class RoundIn(InSchema):
    scheme_id: int
    code: str
    title: str
    year: int
    enrolment_deadline: datetime
    results_due: datetime


class RoundOut(Schema):
    id: int
    code: str
    title: str
    year: int
    scheme_code: str
    scheme_name: str
    field: str
    organising_region: str
    status: str
    enrolment_deadline: datetime
    results_due: datetime
    dispatched_at: datetime | None
    evaluated_at: datetime | None
    published_at: datetime | None
    participants: int


class EnrolIn(InSchema):
    institution_credit_code: str | None = None


class ParticipantOut(Schema):
    round_id: int
    code: str


class KeyRow(InSchema):
    code: str
    credit_code: str
    institution: str
    region: str


class PtResultIn(InSchema):
    measurand: str
    result: str
    expanded_u: float | None = None
    k: float | None = None
    method: str = ""


class PtResultsIn(InSchema):
    results: list[PtResultIn]


class PtResultOut(Schema):
    measurand: str
    version: int
    reported: str
    value: float
    censor: int
    expanded_u: float | None
    k: float | None
    method: str
    source: str


class ReferenceIn(InSchema):
    measurand_id: int
    value: float | None = None
    uncertainty: float | None = None
    k: float = 2.0
    expert_results: list[float] = []


class CheckIn(InSchema):
    measurand_id: int
    kind: str
    data: Any


class CheckOut(Schema):
    id: int
    measurand: str
    kind: str
    sigma_pt: float
    passed: bool
    result: dict[str, Any]
    decision: str
    decision_reason: str


class PtDecisionIn(InSchema):
    decision: str
    reason: str


class EvaluateIn(InSchema):
    reason: str = ""
    override_reason: str = ""


class ScoreRow(Schema):
    code: str
    z: float | None
    z_prime: float | None
    zeta: float | None
    en: float | None
    performance: str


class MeasurandSummary(Schema):
    evaluation_id: int
    measurand: str
    unit: str
    p: int
    x_pt: float
    u_x_pt: float
    sigma_pt: float
    sigma_basis: str
    estimator: str
    stopping_rule: str
    iterations: int
    z_used: str
    rows: list[ScoreRow]


class SummaryOut(Schema):
    round: str
    status: str
    evaluation: int
    published: bool
    software_version: str
    measurands: list[MeasurandSummary]


class EvaluationOut(Schema):
    id: int
    measurand: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


class ActionOut(Schema):
    id: int
    institution: str
    round: str
    measurand: str
    performance: str
    status: str
    due_date: date
    root_cause: str
    action: str
    evidence: str


class PtAnswerIn(InSchema):
    root_cause: str
    action: str
    evidence: str
