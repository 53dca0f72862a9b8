"""Scope rows (能力范围) as plain values: validation, digest, JSON snapshots."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.utils.translation import gettext as _

from ticcoop.methods.signing import scope_digest

#: field name → (Chinese column title, maximum length, required)
SCOPE_COLUMNS: dict[str, tuple[str, int, bool]] = {
    "category": ("类别", 64, True),
    "product": ("检测对象", 128, True),
    "parameter": ("项目/参数", 128, True),
    "standard_code": ("标准编号", 64, True),
    "clause": ("条款", 32, False),
    "limits": ("限制范围", 256, False),
}


@dataclass(frozen=True, order=True)
class ScopeRow:
    category: str
    product: str
    parameter: str
    standard_code: str
    clause: str = ""
    limits: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ScopeRow:
        return cls(**{f.name: str(data.get(f.name) or "").strip() for f in fields(cls)})

    def as_tuple(self) -> tuple[str, ...]:
        # not dataclasses.astuple: it deep-copies every value (a fifth of a demo load's
        # certificate step in a profile); the fields are plain strings
        return (self.category, self.product, self.parameter, self.standard_code,
                self.clause, self.limits)  # fmt: skip

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def problems(self) -> list[tuple[str, str]]:
        """(field, message in the active language) for every invalid field of this row."""
        found = []
        for name, (title, max_length, required) in SCOPE_COLUMNS.items():
            value = getattr(self, name)
            if required and not value:
                found.append((name, _("“%(column)s”不能为空") % {"column": title}))
            elif len(value) > max_length:
                message = _("“%(column)s”最多%(max)d个字符，实为%(length)d个") % {
                    "column": title,
                    "max": max_length,
                    "length": len(value),
                }
                found.append((name, message))
            elif "\x1e" in value or "\x1f" in value:
                found.append((name, _("“%(column)s”含有不允许的控制字符") % {"column": title}))
        return found


def digest_of(rows: Iterable[ScopeRow]) -> str:
    """methods.signing.scope_digest of the rows (order does not matter)."""
    return scope_digest(row.as_tuple() for row in rows)


def snapshot(rows: Iterable[ScopeRow]) -> list[dict[str, str]]:
    return [row.as_dict() for row in rows]
