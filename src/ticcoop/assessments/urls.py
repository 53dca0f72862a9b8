from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ticcoop.assessments import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.assessment_list, name="assessments-list"),
    path("new/", views.assessment_create, name="assessments-create"),
    path("<int:pk>/", views.assessment_detail, name="assessments-detail"),
    path("<int:pk>/start/", views.assessment_start, name="assessments-start"),
    path("<int:pk>/outcomes/", views.assessment_outcomes, name="assessments-outcomes"),
    path("<int:pk>/nonconformities/", views.assessment_nonconformity, name="assessments-raise-nc"),
    path("<int:pk>/conclude/", views.assessment_conclude, name="assessments-conclude"),
    path("nonconformities/", views.nonconformity_list, name="assessments-nc-list"),
    path("nonconformities/overdue/", views.overdue_list, name="assessments-overdue"),
    path("nonconformities/<int:pk>/", views.nonconformity_detail, name="assessments-nc-detail"),
    path("evidence/<int:pk>/", views.evidence_download, name="assessments-evidence"),
    path(
        "nonconformities/<int:pk>/<str:decision>/",
        views.nonconformity_review,
        name="assessments-nc-review",
    ),
    path("experts/", views.expert_pool, name="assessments-experts"),
    path("catalogues/", views.catalogue_list, name="assessments-catalogues"),
    path("catalogues/<int:pk>/", views.catalogue_detail, name="assessments-catalogue-detail"),
]
