from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class ChangeOut(Schema):
    id: int
    key: str
    type: str
    tombstone: bool
    created_at: datetime
    payload: dict[str, Any]


class ChangesOut(Schema):
    kind: str
    cursor: int
    more: bool
    changes: list[ChangeOut]
