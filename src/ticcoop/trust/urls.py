from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ticcoop.trust import views

urlpatterns: list[URLPattern | URLResolver] = [
    path(".well-known/ticcoop-keys.json", views.published_keys, name="trust-keys"),
]
