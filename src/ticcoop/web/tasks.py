"""Loaded by every consumer (Huey autodiscovers ``tasks`` modules): the platform's schedule,
and the demo data as a job (back office, ``ticcoop demo-data --job``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ticcoop.config import schedules
from ticcoop.jobs.models import Job
from ticcoop.jobs.runner import JobContext, JobFailure, job_kind
from ticcoop.web.demo import DemoRefused, load_demo, units

__all__ = ["schedules"]

DEMO_DATA = "demo-data"
DEMO_MAX_INSTITUTIONS = 100_000


@job_kind(DEMO_DATA)
def demo_data(job: Job, context: JobContext) -> dict[str, Any]:
    """The full demo data in one transaction with the job's "done" mark (all or nothing)."""
    institutions = int(job.params.get("institutions", 300))
    seed = int(job.params.get("seed", 2025))
    if not 1 <= institutions <= DEMO_MAX_INSTITUTIONS:
        raise JobFailure(_("机构数量须在 1 到 %(max)d 之间") % {"max": DEMO_MAX_INSTITUTIONS})
    context.set_total(units(institutions))
    try:
        lines = load_demo(institutions, seed, advance=context.advance)
    except DemoRefused as refused:
        raise JobFailure(_("数据库已有机构：演示数据只装入空数据库。")) from refused
    return {
        "title": _("演示数据"),
        "message": _("演示数据已生成（%(n)d 家机构，种子 %(seed)d）。")
        % {"n": institutions, "seed": seed},
        "lines": lines,
    }
