from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ticcoop.supervision.views import ceremony, inspectors, plans, targets, tasks

urlpatterns: list[URLPattern | URLResolver] = [
    path("", plans.home, name="supervision-home"),
    path("plans/", plans.plan_list, name="supervision-plans"),
    path("plans/<int:pk>/", plans.plan_detail, name="supervision-plan"),
    path("plans/<int:pk>/batches/", plans.open_batch, name="supervision-plan-batch"),
    path("batches/<int:pk>/", plans.batch_detail, name="supervision-batch"),
    path("batches/<int:pk>/tasks/", plans.batch_tasks, name="supervision-batch-tasks"),
    path("batches/<int:pk>/freeze/", ceremony.freeze, name="supervision-batch-freeze"),
    path("batches/<int:pk>/restart/", ceremony.restart, name="supervision-batch-restart"),
    path("ceremonies/<int:pk>/commit/", ceremony.commit, name="supervision-commit"),
    path(
        "ceremonies/<int:pk>/public-value/",
        ceremony.public_value,
        name="supervision-public-value",
    ),
    path("ceremonies/<int:pk>/reveal/", ceremony.reveal, name="supervision-reveal"),
    path("tasks/", tasks.task_list, name="supervision-tasks"),
    path("tasks/<int:pk>/", tasks.task_detail, name="supervision-task"),
    path("tasks/<int:pk>/result/", tasks.record_result, name="supervision-task-result"),
    path("tasks/<int:pk>/evidence/", tasks.add_evidence, name="supervision-task-evidence"),
    path("evidence/<int:pk>/", tasks.evidence_download, name="supervision-evidence"),
    path("tasks/<int:pk>/replace/", tasks.replace, name="supervision-task-replace"),
    path("results/<int:pk>/publish/", tasks.publish_result, name="supervision-result-publish"),
    path("overdue/", tasks.overdue, name="supervision-overdue"),
    path("targets/import/", targets.import_targets, name="supervision-targets-import"),
    path("inspectors/", inspectors.inspector_list, name="supervision-inspectors"),
    path("inspectors/<int:pk>/edit/", inspectors.inspector_edit, name="supervision-inspector-edit"),
]
