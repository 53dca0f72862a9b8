from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from ticcoop.config.api import api
from ticcoop.config.health import healthz

admin.site.site_header = _("华北五地检验检测认证区域合作平台 · 管理后台")
admin.site.site_title = _("ticcoop 管理后台")
admin.site.index_title = _("业务管理")

# Error pages in the site layout with the reason the code gave (only used with DEBUG off).
handler400 = "ticcoop.web.errors.bad_request"
handler403 = "ticcoop.web.errors.permission_denied"
handler404 = "ticcoop.web.errors.page_not_found"
handler500 = "ticcoop.web.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", RedirectView.as_view(url="/api/docs", permanent=False)),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Security and operations (issue 11): second-factor pages, the health check.
    path("account/", include("ticcoop.accounts.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("ticcoop.trust.urls")),
    path("", include("ticcoop.certificates.urls")),
    path("assessments/", include("ticcoop.assessments.urls")),
    path("pt/", include("ticcoop.proficiency.urls")),
    path("supervision/", include("ticcoop.supervision.urls")),
    path("inspections/", include("ticcoop.inspections.urls")),
    path("competitions/", include("ticcoop.competitions.urls")),
    path("public/", include("ticcoop.disclosure.urls")),
    path("jobs/", include("ticcoop.jobs.urls")),
    path("inbox/", include("ticcoop.notices.urls")),
    path("", include("ticcoop.web.urls")),
]
