"""Template filters that word the codes of methods.iso13528 (see proficiency.labels)."""

from __future__ import annotations

from django import template

from ticcoop.proficiency import labels

register = template.Library()


@register.filter
def drift_rule(code: str) -> str:
    """ "two-beyond-2" → 连续两次 |z| > 2 且同号 …"""
    return labels.drift_rule_label(code)
