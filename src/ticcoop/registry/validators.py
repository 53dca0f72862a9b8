"""Django field validators over the pure identifier checks in methods.ids.

The method raises ``IdentifierError`` with an English reason for the command line and a
``code`` with parameters; pages get the reason as a Chinese sentence from here.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticcoop.methods.ids import IdentifierError, validate_credit_code

CREDIT_CODE_PROBLEMS = {
    "length": gettext_lazy("应为%(expected)s位，实为%(length)s位"),
    "excluded_character": gettext_lazy(
        "第%(position)s位的“%(character)s”不允许使用（不使用 I、O、Z、S、V）"
    ),
    "character": gettext_lazy(
        "第%(position)s位的“%(character)s”不允许使用（只能是数字和大写字母）"
    ),
    "authority": gettext_lazy(
        "第1位（登记管理部门代码）应为 %(allowed)s 之一，实为“%(character)s”"
    ),
    "category": gettext_lazy("第2位（机构类别代码）应为 %(allowed)s 之一，实为“%(character)s”"),
    "division_digit": gettext_lazy(
        "第3–8位应为6位行政区划代码，第%(position)s位“%(character)s”不是数字"
    ),
    "province": gettext_lazy("第3–4位“%(value)s”不是省级行政区划代码（GB/T 2260）"),
    "org_check": gettext_lazy("第17位组织机构代码校验码应为“%(expected)s”，实为“%(character)s”"),
    "check": gettext_lazy("第18位校验码应为“%(expected)s”，实为“%(character)s”，请核对是否抄错"),
}


def credit_code_problem(exc: IdentifierError) -> str:
    """The reason a credit code is invalid, as a sentence in the page language."""
    template = CREDIT_CODE_PROBLEMS.get(exc.code)
    return str(template) % exc.params if template is not None else str(exc)


def validate_credit_code_field(value: str) -> None:
    try:
        validate_credit_code(value)
    except IdentifierError as exc:
        raise ValidationError(
            _("统一社会信用代码无效：%(reason)s"), params={"reason": credit_code_problem(exc)}
        ) from exc
