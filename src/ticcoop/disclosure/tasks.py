"""Background jobs of the disclosure app: the daily open-data snapshot (config/schedules.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ticcoop.disclosure import snapshots
from ticcoop.jobs.models import Job
from ticcoop.jobs.runner import JobContext, job_kind

OPENDATA_SNAPSHOT = snapshots.OPENDATA_SNAPSHOT


# Not atomic: it only reads, and its files are written before the job is marked done (a job
# that fails leaves files no snapshot points to; the next snapshot's clean-up keeps two).
@job_kind(OPENDATA_SNAPSHOT, atomic=False)
def opendata_snapshot(job: Job, context: JobContext) -> dict[str, Any]:
    year, makers = snapshots.build_files()
    context.set_total(len(makers))
    files: dict[str, str] = {}
    for name, make in makers:
        files[name] = snapshots.store(job.pk, name, make())
        context.advance()
    snapshots.drop_older(snapshots.KEEP - 1)  # this one makes KEEP once it is marked done
    return {
        "title": _("开放数据快照"),
        "message": _("已生成 %(n)d 个开放数据文件。") % {"n": len(files)},
        "files": files,
        "year": year,
        "language": translation.get_language(),
        "generated_at": timezone.now().isoformat(),
    }
