# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
from datetime import date, datetime

from ninja import Schema

from ticcoop.schemas import InSchema


class BatchOut(Schema):
    id: int
    code: str = ""
    plan_id: int
    period: str
    status: str
    snapshot_sha256: str
    redraw_of_id: int | None
    redraw_reason: str
    relaxation: str = ""  # the recorded decision to freeze despite the freeze check (public)


class CeremonyOut(Schema):
    id: int
    label: str
    status: str
    commit_deadline: datetime
    reveal_deadline: datetime
    public_value: str
    failure: str
    seed: str


class CommitIn(InSchema):
    commit: str


class RevealIn(InSchema):
    reveal: str


class PublicValueIn(InSchema):
    value: str


class RedrawIn(InSchema):
    reason: str


class TaskOut(Schema):
    id: int
    batch_id: int
    target_code: str
    target_name: str
    items: str
    status: str
    unstaffed_reason: str
    replaces_id: int | None = None
    replacement_no: int | None = None
    replacement_reason: str = ""


class ReplaceIn(InSchema):
    reason: str


class ReplacementOut(Schema):
    """One entry of a batch's published 递补 log (docs/methods/manifest.md §7)."""

    number: int
    voided: str
    reason: str
    target: str
    items: list[str]
    status: str
    members: list[str]


class TaskResultIn(InSchema):
    result: str
    checked_on: date
    findings: str = ""
    correction_reason: str = ""


class TaskResultOut(Schema):
    id: int
    task_id: int
    version: int
    result: str
    checked_on: date
    publication_deadline: date
    published_at: datetime | None
