from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ticcoop.inspections.views import campaigns, findings, joint, plan

urlpatterns: list[URLPattern | URLResolver] = [
    path("", campaigns.index, name="inspections-index"),
    path("campaigns/new/", campaigns.campaign_new, name="inspections-campaign-new"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="inspections-campaign"),
    path("campaigns/<int:pk>/report/", campaigns.campaign_report, name="inspections-report"),
    path(
        "campaigns/<int:pk>/<str:action>/",
        campaigns.campaign_action,
        name="inspections-campaign-action",
    ),
    path("targets/<int:pk>/", campaigns.target_detail, name="inspections-target"),
    path(
        "targets/<int:pk>/inspection/",
        campaigns.target_inspection,
        name="inspections-target-inspection",
    ),
    path("findings/", findings.finding_list, name="inspections-findings"),
    path("findings/<int:pk>/", findings.finding_detail, name="inspections-finding"),
    path("findings/files/<int:pk>/", findings.finding_file, name="inspections-finding-file"),
    path(
        "findings/<int:pk>/<str:decision>/",
        findings.finding_review,
        name="inspections-finding-review",
    ),
    path("cases/", findings.case_list, name="inspections-cases"),
    path("joint/", joint.joint_list, name="inspections-joint-list"),
    path("joint/new/", joint.joint_new, name="inspections-joint-new"),
    path("joint/<int:pk>/", joint.joint_detail, name="inspections-joint"),
    path("joint/files/<int:pk>/", joint.joint_file, name="inspections-joint-file"),
    path("joint/<int:pk>/<str:action>/", joint.joint_action, name="inspections-joint-action"),
    path(
        "handovers/<int:pk>/receive/", joint.handover_receive, name="inspections-handover-receive"
    ),
    path("plan/", plan.plan_detail, name="inspections-plan"),
    path("plan/<int:year>/", plan.plan_detail, name="inspections-plan-year"),
    path("milestones/<int:pk>/done/", plan.milestone_done, name="inspections-milestone-done"),
]
