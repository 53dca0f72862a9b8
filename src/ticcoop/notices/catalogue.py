"""The texts of inbox messages, by key; parameters are filled in the reader's language.

``subject`` names a kind of record (its label translated at render time) and ``ref`` the
record itself (a number or name, not translated); ``decision`` a key of DECISIONS.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MESSAGES: dict[str, str] = {
    "task.assigned": gettext_noop("您有新的任务：%(subject)s %(ref)s"),
    "deadline.soon": gettext_noop("%(subject)s %(ref)s 的期限 %(deadline)s 还剩 %(days)s 个工作日"),
    "deadline.missed": gettext_noop("%(subject)s %(ref)s 的期限 %(deadline)s 已过"),
    "decision": gettext_noop("%(subject)s %(ref)s：%(decision)s"),
}
SUBJECTS: dict[str, str] = {
    "nonconformity": gettext_noop("不符合项"),
    "pt-action": gettext_noop("能力验证纠正措施"),
    "result-publication": gettext_noop("抽查结果公示"),
    "scoring": gettext_noop("比武评分"),
    "inspection-task": gettext_noop("检查任务"),
    "assessment-team": gettext_noop("评审组"),
    "judge-sheet": gettext_noop("评分表"),
    "ceremony-step": gettext_noop("摇号仪式步骤"),
    "rectification": gettext_noop("整改"),
    "certificate": gettext_noop("证书"),
    "appeal": gettext_noop("申诉"),
}
DECISIONS: dict[str, str] = {
    "accepted": gettext_noop("已通过"),
    "returned": gettext_noop("已退回"),
    "status-changed": gettext_noop("状态已变更"),
    "answered": gettext_noop("已答复"),
}


def render(key: str, params: dict[str, Any], language: str | None = None) -> str:
    """The message in ``language`` (the active one when None); unknown keys show as the key."""
    with translation.override(language) if language else nullcontext():
        template = MESSAGES.get(key)
        if template is None:
            return key
        values = dict(params)
        values["subject"] = _(SUBJECTS.get(str(values.get("subject", "")), ""))
        if "decision" in values:
            values["decision"] = _(DECISIONS.get(str(values["decision"]), str(values["decision"])))
        try:
            return _(template) % values
        except (KeyError, TypeError, ValueError):
            return _(template)
