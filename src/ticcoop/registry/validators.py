"""Django field validators over the pure identifier checks in methods.ids."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ticcoop.methods.ids import check_credit_code


def validate_credit_code_field(value: str) -> None:
    reason = check_credit_code(value)
    if reason is not None:
        raise ValidationError(_("统一社会信用代码无效：%(reason)s"), params={"reason": reason})
