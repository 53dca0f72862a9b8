from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ticcoop.proficiency import views
from ticcoop.proficiency.views import mine, provider, reports, workflow

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.calendar, name="pt-calendar"),
    path("mine/", mine.my_pt, name="pt-mine"),
    path("rounds/<int:pk>/", views.round_detail, name="pt-round-detail"),
    path("rounds/<int:pk>/enrol/", views.round_enrol, name="pt-round-enrol"),
    path("rounds/<int:pk>/results/", views.round_submit, name="pt-round-submit"),
    path("rounds/<int:pk>/report.pdf", views.report_pdf, name="pt-round-report"),
    path("rounds/<int:pk>/report/", reports.report_revisions, name="pt-report-revisions"),
    path(
        "rounds/<int:pk>/report/<int:revision>.pdf",
        reports.report_revision_pdf,
        name="pt-report-revision",
    ),
    path(
        "rounds/<int:pk>/letters/<str:code>.pdf",
        reports.participant_letter,
        name="pt-participant-letter",
    ),
    path(
        "rounds/<int:pk>/certificates/<str:code>.pdf",
        reports.participation_certificate,
        name="pt-participation-certificate",
    ),
    path(
        "rounds/<int:pk>/receipts/<str:code>/<int:number>.pdf",
        mine.receipt,
        name="pt-submission-receipt",
    ),
    path("rounds/<int:pk>/checks/", provider.item_checks, name="pt-round-checks"),
    path("rounds/<int:pk>/references/", provider.references, name="pt-round-references"),
    path("rounds/<int:pk>/instructions/", workflow.instructions, name="pt-round-instructions"),
    path(
        "rounds/<int:pk>/instructions/<int:version>.pdf",
        workflow.instructions_download,
        name="pt-round-instructions-pdf",
    ),
    path("rounds/<int:pk>/dispatches/", workflow.dispatches, name="pt-round-dispatches"),
    path("dispatches/<int:pk>/confirm/", workflow.confirm_receipt, name="pt-dispatch-confirm"),
    path("rounds/<int:pk>/<str:action>/", views.round_transition, name="pt-round-transition"),
    path("evaluations/<int:pk>/<str:kind>.png", views.chart, name="pt-chart"),
    path("actions/", views.action_list, name="pt-action-list"),
    path("actions/<int:pk>/", views.action_detail, name="pt-action-detail"),
]
