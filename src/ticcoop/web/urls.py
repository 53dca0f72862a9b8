from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from ticcoop.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("workbench/", views.workbench, name="workbench"),
    path("institutions/", views.institution_search, name="institution-search"),
    path("institutions/new/", views.institution_edit, name="institution-create"),
    path("institutions/<str:credit_code>/", views.institution_detail, name="institution-detail"),
    path("institutions/<str:credit_code>/edit/", views.institution_edit, name="institution-edit"),
    path(
        "institutions/<str:credit_code>/delete/",
        views.institution_delete,
        name="institution-delete",
    ),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
