"""Background jobs of the registry: import (dry run and real) from an uploaded file."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ticcoop.certificates.importing import import_registry
from ticcoop.jobs.models import Job
from ticcoop.jobs.runner import ERRORS_KEPT, JobContext, JobFailure, job_kind

REGISTRY_IMPORT = "registry-import"


# import_registry is atomic and idempotent itself (validate everything, then one transaction;
# a re-run of the same file changes nothing), so a retried job never doubles a row.
@job_kind(REGISTRY_IMPORT, atomic=False)
def registry_import(job: Job, context: JobContext) -> dict[str, Any]:
    dry_run = bool(job.params.get("dry_run"))
    with job.input_file.open("rb") as handle:
        data = handle.read()
    report = import_registry(
        job.user,
        job.input_name,
        data,
        dry_run=dry_run,
        progress=context.advance,
        on_total=context.set_total,
    )
    result: dict[str, Any] = {
        "title": _("批量导入（校验）") if dry_run else _("批量导入"),
        "counts": report.counts,
        "rows": report.rows,
        "errors": report.errors[:ERRORS_KEPT],
        "errors_total": len(report.errors),
    }
    if not report.ok:
        count = len(report.errors)
        message = ngettext(
            "%(count)d 处错误，未写入任何数据", "%(count)d 处错误，未写入任何数据", count
        )
        raise JobFailure(message % {"count": count}, result)
    if dry_run:
        result["message"] = _("校验通过（%(rows)d 行），尚未写入。") % {"rows": report.rows}
        result["confirm_url"] = reverse("certificates-import-confirm", args=[job.pk])
        result["confirm_label"] = _("确认导入")
        result["keep_input"] = True
    else:
        result["message"] = _("已导入（%(rows)d 行）。") % {"rows": report.rows}
        result["links"] = [[_("证书查询"), reverse("certificates-search")]]
    return result
