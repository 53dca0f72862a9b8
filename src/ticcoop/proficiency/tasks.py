"""Background jobs of proficiency testing: evaluation, and publication with the report PDF
and every participant's letter.

A round of 1,000 participants × 20 measurands takes longer than a web request may; both run
in one transaction with the job's "done" mark (a crash leaves the round as it was).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ticcoop.jobs.models import Job
from ticcoop.jobs.runner import JobContext, job_kind
from ticcoop.proficiency import services
from ticcoop.proficiency.models import Round

PT_EVALUATE = "pt-evaluate"
PT_PUBLISH = "pt-publish"


def _round(job: Job) -> Round:
    return Round.objects.get(pk=job.params["round"])


@job_kind(PT_EVALUATE)
def evaluate(job: Job, context: JobContext) -> dict[str, Any]:
    round_ = _round(job)
    context.set_total(1)
    run = services.evaluate_round(
        job.user,
        round_,
        reason=job.params.get("reason", ""),
        override_reason=job.params.get("override_reason", ""),
    )
    context.advance()
    return {
        "title": _("能力验证评价"),
        "message": _("%(round)s：评价完成（第 %(n)d 次评价）")
        % {"round": round_.code, "n": run.number},
        "links": [[_("返回轮次"), reverse("pt-round-detail", args=[round_.pk])]],
    }


@job_kind(PT_PUBLISH)
def publish(job: Job, context: JobContext) -> dict[str, Any]:
    round_ = _round(job)
    context.set_total(3)
    services.publish_round(job.user, round_, render_report=False)
    context.advance()
    services.store_report(job.user, round_)  # revision 1 of the report: charts and PDF
    context.advance()
    services.store_letters(job.user, round_)  # every participant's private letter
    context.advance()
    return {
        "title": _("能力验证报告发布"),
        "message": _("%(round)s：报告已发布") % {"round": round_.code},
        "links": [
            [_("返回轮次"), reverse("pt-round-detail", args=[round_.pk])],
            [_("报告 PDF"), reverse("pt-round-report", args=[round_.pk])],
        ],
    }
