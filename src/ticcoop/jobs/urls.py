from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ticcoop.jobs import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.job_list, name="jobs-list"),
    path("demo-data/", views.demo_data, name="jobs-demo-data"),
    path("<int:pk>/", views.job_detail, name="jobs-detail"),
    path("<int:pk>/status/", views.job_status, name="jobs-status"),
    path("<int:pk>/rerun/", views.job_rerun, name="jobs-rerun"),
    path("<int:pk>/file/", views.job_file, name="jobs-file"),
]
