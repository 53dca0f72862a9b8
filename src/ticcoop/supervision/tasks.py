"""Background jobs of double-random supervision: the target directory import."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from ticcoop.jobs.models import Job
from ticcoop.jobs.runner import ERRORS_KEPT, JobContext, JobFailure, job_kind
from ticcoop.supervision.services.importing import TargetImportError, import_targets

TARGETS_IMPORT = "targets-import"
ROW_BYTES = 80  # a typical row, to estimate the total before the file is read through


@job_kind(TARGETS_IMPORT)
def targets_import(job: Job, context: JobContext) -> dict[str, Any]:
    with job.input_file.open("rb") as handle:
        data = handle.read()
    context.set_total(max(1, data.count(b"\n") - 1))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JobFailure(_("文件不是 UTF-8 编码（字节 %(at)d）") % {"at": exc.start}) from exc
    try:
        record = import_targets(
            job.user, io.StringIO(text, newline=""), file_name=job.input_name,
            advance=context.advance,
        )  # fmt: skip
    except TargetImportError as exc:
        errors = exc.messages
        message = _("导入失败，未导入任何数据（%(count)d 处错误）") % {"count": len(errors)}
        result = {"errors": errors[:ERRORS_KEPT], "errors_total": len(errors)}
        raise JobFailure(message, result) from exc
    context.set_done(record.rows)
    return {
        "title": _("检查对象名录导入"),
        "message": _("已导入 %(rows)d 个检查对象（文件摘要 %(sha)s）")
        % {"rows": record.rows, "sha": record.sha256},
    }
