"""Public certificate pages (search, record, PDF, verify) and the regulators' pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticcoop.accounts.queries import writable_region_ids
from ticcoop.assessments.models import Assessment
from ticcoop.assessments.queries import assessment_allows_issue
from ticcoop.certificates import exporting, queries, services
from ticcoop.certificates.forms import ImportForm, IssueForm, LifecycleForm, ScopeForm
from ticcoop.certificates.models import Certificate, CertificateStatus
from ticcoop.certificates.pdf import render_certificate_pdf
from ticcoop.certificates.rows import table_rows
from ticcoop.certificates.tables import CERTIFICATES, INSTITUTIONS, SCOPES
from ticcoop.certificates.tasks import CERTIFICATE_PDFS, REGISTRY_EXPORT, REGISTRY_IMPORT
from ticcoop.certificates.verdict import facts_of, verdict_for
from ticcoop.jobs import services as jobs
from ticcoop.jobs.models import Job
from ticcoop.pages import page_number, paginate, submit
from ticcoop.registry.queries import active_regions

PAGE_SIZE = 20


def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    region_code = request.GET.get("region", "")
    status = request.GET.get("status", "")
    regions = active_regions()  # for the filter and for the words naming a region
    page = queries.search_page(
        text, region_code, status, page_number(request), PAGE_SIZE, regions=regions
    )
    context = {
        "page": page,
        "rows": table_rows(page),
        "q": text,
        "region_code": region_code,
        "status": status,
        "regions": regions,
        "statuses": CertificateStatus.choices,
        "is_regulator": writable_region_ids(request.user) != [],
    }
    return render(request, "certificates/search.html", context)


def detail(request: HttpRequest, number: str) -> HttpResponse:
    certificate = get_object_or_404(queries.certificates(), number=number)
    context = {
        "certificate": certificate,
        "scope": certificate.scope.all(),
        "versions": queries.versions_of(certificate),
        "can_manage": queries.can_manage(request.user, certificate),
    }
    return render(request, "certificates/detail.html", context)


def pdf(request: HttpRequest, number: str) -> HttpResponse:
    certificate = get_object_or_404(queries.certificates(), number=number)
    version_number = request.GET.get("v", "")
    version = (
        get_object_or_404(certificate.versions, number=version_number)
        if version_number.isdigit()
        else None
    )
    body = render_certificate_pdf(certificate, version, request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{number}.pdf"'
    return response


def verify(request: HttpRequest, number: str) -> HttpResponse:
    """Current status from the database (even if revoked after printing) and the token check."""
    certificate = queries.verify_record(number)
    token = request.GET.get("t", "").strip()
    check = queries.check_token(token, certificate) if token else None
    context = {
        "number": number,
        "certificate": certificate,
        "effective": certificate.effective_status() if certificate else "",
        "verdict": verdict_for(certificate, check),
        "facts": facts_of(certificate, check) if certificate else [],
        "printed": bool(check and check.signature_valid and check.matches_number),
        "token": token,
    }
    return render(request, "certificates/verify.html", context, status=200 if certificate else 404)


@login_required
def manage(request: HttpRequest, number: str) -> HttpResponse:
    certificate = get_object_or_404(queries.certificates(), number=number)
    if not queries.can_manage(request.user, certificate):
        raise PermissionDenied(_("只有发证地区的监管人员可以办理"))
    lifecycle = LifecycleForm(request.POST if "action" in request.POST else None)
    scope_initial = "\n".join(" | ".join(row.as_tuple()) for row in services.scope_of(certificate))
    scope = ScopeForm(
        request.POST if "scope" in request.POST else None, initial={"scope": scope_initial}
    )
    if request.method == "POST":
        form = lifecycle if "action" in request.POST else scope
        if form.is_valid() and _apply(request, certificate, form):
            return redirect("certificates-detail", number=number)
    context = {"certificate": certificate, "lifecycle": lifecycle, "scope_form": scope}
    return render(request, "certificates/manage.html", context)


def _apply(request: HttpRequest, certificate: Certificate, form: LifecycleForm | ScopeForm) -> bool:
    data = form.cleaned_data
    try:
        if isinstance(form, ScopeForm):
            services.change_scope(request.user, certificate, data["scope"], data["reason"])
        elif data["action"] == "extend":
            services.extend_certificate(
                request.user,
                certificate,
                application_date=data["application_date"],
                reason=data["reason"],
            )
        else:
            services.LIFECYCLE_ACTIONS[data["action"]](request.user, certificate, data["reason"])
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return False
    messages.success(request, _("已办理，证书已生成新版本。"))
    return True


@login_required
def issue_list(request: HttpRequest) -> HttpResponse:
    """The regulator's to-do list: passed initial assessments still without a certificate."""
    if writable_region_ids(request.user) == []:
        raise PermissionDenied(_("只有监管人员可以发证"))
    page = paginate(request, queries.assessments_awaiting_issue(request.user))
    return render(request, "certificates/issue_list.html", {"page": page})


@login_required
def issue(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """Initial issue (首次发证) on the basis of one assessment; the service checks every rule."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("institution__region"), pk=assessment_pk
    )
    if not queries.can_issue(request.user, assessment):
        raise PermissionDenied(_("只有被评审机构所在地区的监管人员可以发证"))
    form = IssueForm(request.POST or None, initial={"issue_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        certificate = submit(
            form,
            lambda: services.issue_certificate(
                request.user,
                assessment.institution,
                number=data["number"],
                issue_date=data["issue_date"],
                scope=data["scope"],
                assessment=assessment,
                reason=data["reason"],
            ),
        )
        if certificate is not None:
            messages.success(request, _("证书已颁发并签名，可打印或下载。"))
            return redirect("certificates-detail", number=certificate.number)
    context = {
        "assessment": assessment,
        "form": form,
        "refusal": assessment_allows_issue(assessment),
    }
    return render(request, "certificates/issue.html", context)


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload → a dry-run job (its page shows the report and the confirmation)."""
    if writable_region_ids(request.user) == []:
        raise PermissionDenied(_("只有监管人员可以批量导入"))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.start_job(
            request.user, REGISTRY_IMPORT, {"dry_run": True}, upload=form.cleaned_data["file"]
        )
        return redirect("jobs-detail", pk=job.pk)
    return render(request, "certificates/import.html", {"form": form})


@login_required
@require_POST
def import_confirm(request: HttpRequest, job_pk: int) -> HttpResponse:
    """The real import of a passed dry run, as a job on the same file."""
    dry_run = get_object_or_404(Job, pk=job_pk, kind=REGISTRY_IMPORT)
    if not dry_run.params.get("dry_run"):
        raise PermissionDenied(_("只有校验任务可以确认导入"))
    try:
        job = jobs.start_from(request.user, dry_run, REGISTRY_IMPORT, {"dry_run": False})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("certificates-import")
    return redirect("jobs-detail", pk=job.pk)


def export(request: HttpRequest) -> HttpResponse:
    """Public export (the registry is public): ?format=xlsx|csv&kind=…&region=…

    Above ``TICCOOP_EXPORT_JOB_ROWS`` rows the file is made by a job (the request would time
    out): a signed-in user is taken to the job page, a visitor is asked to sign in first.
    """
    region_code = request.GET.get("region", "")[:8]
    kind = request.GET.get("kind", CERTIFICATES)
    is_csv = request.GET.get("format") == "csv" and kind in (INSTITUTIONS, CERTIFICATES, SCOPES)
    rows = exporting.row_count(kind if is_csv else None, region_code)
    if rows > settings.TICCOOP_EXPORT_JOB_ROWS:
        if not request.user.is_authenticated:
            messages.info(
                request, _("数据量较大（%(rows)d 行），登录后将在后台生成文件。") % {"rows": rows}
            )
            return redirect_to_login(request.get_full_path())
        params = {"format": "csv" if is_csv else "xlsx", "kind": kind, "region": region_code}
        job = jobs.start_job(request.user, REGISTRY_EXPORT, params)
        return redirect("jobs-detail", pk=job.pk)
    if is_csv:
        response = HttpResponse(exporting.export_csv(kind, region_code), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
        return response
    response = HttpResponse(
        exporting.export_xlsx(region_code),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="registry.xlsx"'
    return response


@login_required
@require_POST
def pdf_bulk(request: HttpRequest) -> HttpResponse:
    """The search's certificates of the regulator's own region as one ZIP of PDFs (a job)."""
    if writable_region_ids(request.user) == []:
        raise PermissionDenied(_("只有监管人员可以批量下载本地区的证书"))
    params = {key: request.POST.get(key, "")[:200] for key in ("q", "region", "status")}
    job = jobs.start_job(request.user, CERTIFICATE_PDFS, params)
    return redirect("jobs-detail", pk=job.pk)
