"""Small factories: valid records with the fewest arguments a test needs."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth.models import User

from ticcoop.accounts.roles import Role
from ticcoop.accounts.services import create_user
from ticcoop.methods.ids import make_credit_code, make_org_code
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution

_serial = itertools.count(1)
PASSWORD = "test-password-1"  # noqa: S105


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def credit_code(region_code: str = "13") -> str:
    body = make_org_code(f"{next(_serial) * 7 + 10_000_000:08d}")
    return make_credit_code(f"91{region_code}0100{body}")


def institution(region_code: str = "13", **fields: Any) -> Institution:
    values: dict[str, Any] = {
        "credit_code": credit_code(region_code),
        "name": f"测试检测有限公司{next(_serial)}",
        "region": region(region_code),
        "address": "测试路1号",
    }
    values.update(fields)
    return Institution.objects.create(**values)


def user(role: Role | None, region_code: str | None = None, **fields: Any) -> User:
    return create_user(
        actor=None,
        username=fields.pop("username", f"user{next(_serial)}"),
        password=PASSWORD,
        role=role,
        region=region(region_code) if region_code else None,
        **fields,
    )


def regulator(region_code: str) -> User:
    return user(Role.REGULATOR, region_code)
