from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import access_region_write, can_write_region
from ticcoop.certificates.queries import certificates_of
from ticcoop.certificates.rows import table_rows
from ticcoop.pages import page_number, referring, still_referred_message
from ticcoop.regions.models import Region
from ticcoop.registry import services
from ticcoop.registry.models import Institution, InstitutionStatus
from ticcoop.registry.queries import search_institutions
from ticcoop.web.forms import InstitutionForm
from ticcoop.web.workbench import role_names
from ticcoop.web.workbench import sections_for as workbench_sections

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    regions = Region.objects.filter(is_active=True).annotate(institution_count=Count("institution"))
    return render(request, "web/home.html", {"regions": regions})


def institution_search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    region_code = request.GET.get("region", "")
    status = request.GET.get("status", "")
    page = search_institutions(text, region_code, status, page_number(request), PAGE_SIZE)
    context = {
        "page": page,
        "q": text,
        "region_code": region_code,
        "status": status,
        "regions": Region.objects.filter(is_active=True),
        "statuses": InstitutionStatus.choices,
    }
    return render(request, "web/institution_search.html", context)


def institution_detail(request: HttpRequest, credit_code: str) -> HttpResponse:
    institution = get_object_or_404(
        Institution.objects.select_related("region"), credit_code=credit_code
    )
    can_write = can_write_region(request.user, institution.region_id)
    held = list(certificates_of(institution.pk).prefetch_related("scope", "versions"))
    context = {
        "institution": institution,
        "can_write": can_write,
        "certificates": held,
        "rows": table_rows(held),
    }
    return render(request, "web/institution_detail.html", context)


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """我的工作台: the page each role lands on after login."""
    sections = workbench_sections(request.user)
    context = {
        "roles": role_names(request.user),
        "waiting": [s for s in sections if s.kind == "waiting"],
        "overdue": [s for s in sections if s.kind == "overdue"],
        "recent": [s for s in sections if s.kind == "recent"],
    }
    return render(request, "web/workbench.html", context)


@login_required
def institution_edit(request: HttpRequest, credit_code: str | None = None) -> HttpResponse:
    """Create (no code) or change an institution; only regulators of its region may."""
    institution = get_object_or_404(Institution, credit_code=credit_code) if credit_code else None
    if institution is not None:
        access_region_write(request.user, institution)
    form = InstitutionForm(request.POST or None, instance=institution, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_institution(request.user, form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("institution-detail", credit_code=saved.credit_code)
    return render(request, "web/institution_edit.html", {"form": form, "institution": institution})


@login_required
def institution_delete(request: HttpRequest, credit_code: str) -> HttpResponse:
    institution = get_object_or_404(Institution, credit_code=credit_code)
    access_region_write(request.user, institution)
    context: dict[str, Any] = {"institution": institution}
    if request.method == "POST":
        try:
            services.delete_institution(request.user, institution)
        except (ProtectedError, RestrictedError) as exc:
            # Certificates and other records keep it: say which, change nothing (409).
            context["refused"] = still_referred_message(referring(exc))
            return render(request, "web/institution_delete.html", context, status=409)
        messages.success(request, _("已删除。"))
        return redirect("institution-search")
    return render(request, "web/institution_delete.html", context)
