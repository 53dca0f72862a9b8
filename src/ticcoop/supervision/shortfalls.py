"""Why a team stayed short, in words: methods.team_rules.explain_shortfall writes the reason in
English (it is part of the published draw record and stored as such on the task); pages show
it as a Chinese sentence built from the numbers in it. Cross inspection teams store the same
text behind the shortfall code ("no_other_region: …") and use this too.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticcoop.regions.models import Region

RULES = {
    "any": gettext_lazy("不限地区"),
    "at_least_one_other": gettext_lazy("至少一名其他地区人员"),
    "all_other": gettext_lazy("全部为其他地区人员"),
}
_PREFIX = re.compile(r"^(no_eligible|no_other_region|at_capacity): ")
_NO_ELIGIBLE = re.compile(r"^(?P<n>\d+) inspectors without a conflict, team size (?P<size>\d+)$")
_NO_OTHER = re.compile(
    r"^(?P<other>\d+) eligible inspectors outside region '(?P<region>[^']*)'; "
    r"rule (?P<rule>\w+) needs (?P<needed>\d+)$"
)
_AT_CAPACITY = re.compile(
    r"^(?P<n>\d+) eligible inspectors \((?P<other>\d+) outside region '(?P<region>[^']*)'\) "
    r"have no capacity left for this target$"
)


def _region(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.name_zh if region is not None else code


def shortfall_sentence(reason: str) -> str:
    """The stored English reason as a sentence in the page language (unknown text unchanged)."""
    text = _PREFIX.sub("", reason.strip())
    if match := _NO_ELIGIBLE.match(text):
        return _("没有利益冲突的检查人员只有 %(n)s 名，检查组需要 %(size)s 名") % match.groupdict()
    if match := _NO_OTHER.match(text):
        return _(
            "%(region)s以外符合条件的检查人员只有 %(other)s 名，"
            "按“%(rule)s”的规则需要 %(needed)s 名"
        ) % {
            "region": _region(match["region"]),
            "other": match["other"],
            "rule": RULES.get(match["rule"], match["rule"]),
            "needed": match["needed"],
        }
    if match := _AT_CAPACITY.match(text):
        return _(
            "符合条件的 %(n)s 名检查人员（其中 %(other)s 名来自%(region)s以外）"
            "已没有剩余的检查任务量"
        ) % {"n": match["n"], "other": match["other"], "region": _region(match["region"])}
    return reason
