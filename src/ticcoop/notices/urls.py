from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ticcoop.notices import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="notices-inbox"),
    path("read/", views.read_all, name="notices-read-all"),
]
