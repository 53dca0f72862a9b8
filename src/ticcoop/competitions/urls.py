from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ticcoop.competitions import views
from ticcoop.competitions.views import scoring

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.competition_list, name="competitions-list"),
    path("judging/", scoring.judging, name="competitions-judging"),
    path("<int:pk>/", views.competition_detail, name="competitions-detail"),
    path("<int:pk>/register/", views.register, name="competitions-register"),
    path("<int:pk>/action/", views.lifecycle_action, name="competitions-action"),
    path("<int:pk>/theory/", views.theory_scores, name="competitions-theory"),
    path("<int:pk>/blind/", scoring.blind_results, name="competitions-blind"),
    path("<int:pk>/judges/", scoring.judge_assignments, name="competitions-judges"),
    path("<int:pk>/results/", views.results, name="competitions-results"),
    path("judges/<int:pk>/", scoring.judge_sheet, name="competitions-judge-sheet"),
    path("contestants/<int:pk>/", views.contestant_detail, name="competitions-contestant"),
    path("contestants/<int:pk>/decide/", views.decide, name="competitions-decide"),
    path("contestants/<int:pk>/withdraw/", views.withdraw, name="competitions-withdraw"),
    path("contestants/<int:pk>/appeal/", views.appeal, name="competitions-appeal"),
    path("appeals/<int:pk>/answer/", views.answer, name="competitions-appeal-answer"),
    path("awards/verify/", views.award_verify, name="competitions-award-verify"),
    path("awards/<str:number>/certificate.pdf", views.award_pdf, name="competitions-award-pdf"),
]
