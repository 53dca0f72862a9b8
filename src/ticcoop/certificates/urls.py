from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ticcoop.certificates import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("certificates/", views.search, name="certificates-search"),
    path("certificates/issue/", views.issue_list, name="certificates-issue-list"),
    path("certificates/issue/<int:assessment_pk>/", views.issue, name="certificates-issue"),
    path("certificates/import/", views.import_upload, name="certificates-import"),
    path(
        "certificates/import/confirm/<int:job_pk>/",
        views.import_confirm,
        name="certificates-import-confirm",
    ),
    path("certificates/export/", views.export, name="certificates-export"),
    path("certificates/pdfs/", views.pdf_bulk, name="certificates-pdf-bulk"),
    path("certificates/<str:number>/", views.detail, name="certificates-detail"),
    path("certificates/<str:number>/pdf/", views.pdf, name="certificates-pdf"),
    path("certificates/<str:number>/manage/", views.manage, name="certificates-manage"),
    path("verify/<str:number>/", views.verify, name="certificates-verify"),
]
