# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
from datetime import datetime

from ninja import Schema


class DrawOut(Schema):
    id: int
    code: str
    title: str
    status: str
    snapshot_sha256: str
    frozen_at: datetime | None
    manifest_sha256: str | None
    manifest_url: str | None
    targets_url: str
    inspectors_url: str


class PublishedResultOut(Schema):
    id: int
    url: str
    batch: str
    plan: str
    target_code: str
    target_name: str
    region: str
    items: str
    result: str
    result_label: str
    findings: str
    checked_on: str
    version: int
    correction_reason: str
    published_at: str
    notice_until: str
