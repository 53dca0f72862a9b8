"""The freeze check of a batch and its message in Chinese (reads only).

The method is ``ticcoop.methods.feasibility`` (docs/methods/feasibility.md); this module
feeds it the frozen rows and words its shortfalls for the regulator.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from ticcoop.methods.feasibility import Feasibility, Shortfall, check_feasibility
from ticcoop.methods.manifest import DrawParameters
from ticcoop.methods.manifest_files import TargetRow
from ticcoop.methods.team_rules import Inspector
from ticcoop.regions.models import Region


def check(
    rows: Sequence[TargetRow], inspectors: Sequence[Inspector], params: DrawParameters
) -> Feasibility:
    return check_feasibility(
        rows,
        inspectors,
        params.rates,
        replacements=params.replacements,
        size=params.team_size,
        rule=params.region_rule,
    )


def _names(codes: Sequence[str]) -> str:
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name_zh"))
    return "、".join(names.get(code, code) for code in codes)


def describe(shortfall: Shortfall) -> str:
    """One shortfall, e.g. "河北：需要至少 6 名外地区检查人员名额，现有 0 名"."""
    if shortfall.kind == "other_region":
        return _("%(region)s：需要至少 %(needed)s 名外地区检查人员名额，现有 %(available)s 名") % {
            "region": _names(shortfall.regions),
            "needed": shortfall.needed,
            "available": shortfall.available,
        }
    template = _(
        "%(regions)s：最多 %(targets)s 个检查对象（含递补名单）需要 %(needed)s 个检查人员名额，"
        "按本计划规则现有 %(available)s 个"
    )
    return template % {
        "regions": _names(shortfall.regions),
        "targets": shortfall.targets,
        "needed": shortfall.needed,
        "available": shortfall.available,
    }


def message(report: Feasibility) -> str:
    details = "；".join(describe(s) for s in report.shortfalls)
    return _(
        "冻结前核验未通过，不能保证每个检查任务配齐检查组：%(details)s。"
        "请在检查人员名录中补充人员或调整可用情况，或记录放宽决定后再冻结。"
    ) % {"details": details}
