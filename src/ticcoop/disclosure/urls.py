from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ticcoop.disclosure import dashboard_views, views
from ticcoop.disclosure.feeds import NoticeFeed

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="disclosure-index"),
    path("items/", views.items, name="disclosure-items"),
    path("plans/", views.plans, name="disclosure-plans"),
    path("draws/", views.draws, name="disclosure-draws"),
    path("draws/<int:pk>/", views.draw, name="disclosure-draw"),
    path("draws/<int:pk>/<str:name>", views.draw_file, name="disclosure-draw-file"),
    path("results/", views.results, name="disclosure-results"),
    path("results/<int:pk>/", views.result, name="disclosure-result"),
    path("data/results.<str:fmt>", views.results_data, name="disclosure-results-data"),
    path("feed.atom", NoticeFeed(), name="disclosure-feed"),
    path("dashboard/", dashboard_views.overview, name="disclosure-dashboard"),
    path("dashboard/region/", dashboard_views.region, name="disclosure-dashboard-region"),
    path("dashboard.<str:fmt>", dashboard_views.data, name="disclosure-dashboard-data"),
    path("dashboard/<str:key>.csv", dashboard_views.table_data, name="disclosure-dashboard-table"),
]
