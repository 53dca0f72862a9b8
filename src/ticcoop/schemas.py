"""Shared pieces of the API's schemas: the bounds every input is checked against.

* :class:`InSchema` is the base of every request schema (body, query filters): each integer in
  it must fit a signed 64-bit column and no text may hold a NUL character, else the request is
  answered 422 naming the field — instead of an OverflowError deep in the database driver
  (SQLite) or a refused string literal (PostgreSQL), i.e. a 500.
* :class:`Pagination` is ninja's page-number pagination with a bounded page number.
* :func:`existing` looks up the record a request names, 422 naming the field when none.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import ValidationInfo, field_validator

from ticcoop.pages import MAX_PAGE

BIGINT_MAX = 2**63 - 1
BIGINT_MIN = -(2**63)
MAX_PAGE_SIZE = 200

M = TypeVar("M", bound=Model)

PageNo = Annotated[int, Field(1, ge=1, le=MAX_PAGE)]


def check_value(value: Any) -> Any:
    """``value`` unchanged if it fits the database; ValueError (with a message that pydantic
    reports under the field's name) otherwise.  Walks lists and dicts."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not BIGINT_MIN <= value <= BIGINT_MAX:
            raise ValueError(f"integer out of range (signed 64-bit: {BIGINT_MIN} … {BIGINT_MAX})")
    elif isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain NUL (0x00) characters")
    elif isinstance(value, list | tuple | set):
        for item in value:
            check_value(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_value(key)
            check_value(item)
    return value


def existing(found: QuerySet[M], field: str) -> M:
    """The one record of ``found``; a 422 naming ``field`` (the request's key) when none."""
    record = found.first()
    if record is None:
        raise ValidationError({field: f"no {found.model._meta.model_name} with this value"})
    return record


class InSchema(Schema):
    """Base of the request schemas: see the module's docstring."""

    @field_validator("*", mode="after")
    @classmethod
    def _fits_database(cls, value: Any, info: ValidationInfo) -> Any:
        return check_value(value)


class Pagination(PageNumberPagination):
    """Page-number pagination whose page number and size are bounded (422 beyond)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
