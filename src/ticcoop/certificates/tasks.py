"""Background jobs of the registry: import (dry run and real) from an uploaded file, large
exports, and certificate PDFs in bulk (a ZIP)."""

from __future__ import annotations

import tempfile
import zipfile
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ticcoop.certificates import exporting, queries
from ticcoop.certificates.importing import import_registry
from ticcoop.certificates.pdf import render_certificate_pdf
from ticcoop.jobs.models import Job
from ticcoop.jobs.runner import ERRORS_KEPT, JobContext, JobFailure, job_kind

REGISTRY_IMPORT = "registry-import"
REGISTRY_EXPORT = "registry-export"
CERTIFICATE_PDFS = "certificate-pdfs"


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


@job_kind(REGISTRY_EXPORT)
def registry_export(job: Job, context: JobContext) -> dict[str, Any]:
    """The registry export of the export page, too large for a request: the file is the result."""
    region = str(job.params.get("region", ""))
    kind = job.params.get("kind") if job.params.get("format") == "csv" else None
    kind = kind if kind in exporting.ROWS else None
    context.set_total(exporting.row_count(kind, region))
    if kind:
        name, content = f"{kind}.csv", exporting.export_csv(kind, region, context.advance)
    else:
        name, content = "registry.xlsx", exporting.export_xlsx(region, context.advance)
    context.save_result(name, content)
    return {
        "title": _("登记数据导出"),
        "message": _("已导出 %(rows)d 行。") % {"rows": context.done},
        "file_name": name,
    }


@job_kind(CERTIFICATE_PDFS)
def certificate_pdfs(job: Job, context: JobContext) -> dict[str, Any]:
    """The PDFs of the certificates a regulator filtered, in one ZIP; the region is checked
    again here (queries.bulk_pdf_certificates), not taken from the page."""
    found = queries.bulk_pdf_certificates(
        job.user,
        str(job.params.get("q", "")),
        str(job.params.get("region", "")),
        str(job.params.get("status", "")),
    )
    total = found.count()
    if not total:
        raise JobFailure(_("没有符合条件的本地区证书"))
    if total > queries.BULK_PDF_LIMIT:
        raise JobFailure(
            _("符合条件的证书有 %(total)d 张，一次最多 %(limit)d 张；请缩小查询范围。")
            % {"total": total, "limit": queries.BULK_PDF_LIMIT}
        )
    context.set_total(total)
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for certificate in found.iterator(chunk_size=200):
                pdf = render_certificate_pdf(certificate)
                archive.writestr(f"certificate-{certificate.number}.pdf", pdf)
                context.advance()
        spool.seek(0)
        context.save_result("certificates.zip", spool)
    return {
        "title": _("证书 PDF 批量下载"),
        "message": _("已生成 %(count)d 张证书的 PDF。") % {"count": total},
        "file_name": "certificates.zip",
    }
