"""Words for the codes that methods.iso13528 returns (performance classes, σ_pt and x_pt
sources, estimators), so that pages, charts and PDFs say them in the page language.

The method modules keep returning codes and English source names (they are stored in the
evaluation's inputs/outputs and documented in docs/methods/iso13528.md); this is the one
place that turns them into sentences.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from ticcoop.proficiency.models import Performance, RobustMethod, StoppingRule

SOURCES = {
    "fitness for purpose": _("适用性（预先规定）"),
    "Horwitz (Thompson modification)": _("Horwitz 公式（Thompson 修正）"),
    "previous rounds": _("以往轮次"),
    "precision experiment": _("精密度试验"),
    "robust SD of this round": _("本轮稳健标准差"),
    "formulation": _("配制值"),
    "certified reference value": _("有证标准物质认定值"),
    "expert consensus": _("专家实验室公议值"),
    "consensus": _("参加者公议值"),
    "participants' consensus": _("参加者公议值"),
    "robust consensus": _("参加者公议值（稳健统计）"),
}
_BASIS = re.compile(r"^(?P<source>.*?) \((?P<clause>ISO [^)]*)\)$")


DRIFT_RULES = {
    "two-beyond-2": _("连续两次 |z| > 2 且同号"),
    "run-of-9": _("连续 9 次 z 在 0 的同一侧"),
    "cusum": _("累积和（CUSUM）超过界限"),
}


def drift_rule_label(code: str) -> str:
    """A drift rule of methods.iso13528.history (docs/methods/iso13528.md 8a) in words."""
    return str(DRIFT_RULES.get(code, code))


def performance_label(code: str) -> str:
    """ "satisfactory" → 满意 … ("not scored" → 未评分); unknown codes are shown as they are."""
    try:
        return str(Performance(code).label)
    except ValueError:
        return code


def source_label(source: str) -> str:
    return str(SOURCES.get(source, source))


def basis_label(basis: str) -> str:
    """A stored ``sigma_basis`` ("fitness for purpose (ISO 13528:2022 8.2)") in words."""
    match = _BASIS.match(basis)
    if match is None:
        return source_label(basis)
    return f"{source_label(match['source'])}（{match['clause']}）"


def estimator_label(estimator: str, stopping_rule: str = "") -> str:
    """ "algorithm-a" "sig3" → 算法 A，第三位有效数字不变."""
    labels = dict(RobustMethod.choices)
    stops = dict(StoppingRule.choices)
    text = str(labels.get(estimator, estimator))
    if stopping_rule:
        text += f"，{stops.get(stopping_rule, stopping_rule)}"
    return text
