"""Back office: directories editable in scope; lifecycles only through actions (services).

Published draws, ceremonies, commitments, tasks, results and evidence are read-only here: the
services are the only writers, so the rules (immutability, deadlines, scope) hold.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ticcoop.accounts.admin_scoping import ReadOnlyAdmin, RegionScopedAdmin, run_admin_action
from ticcoop.supervision import services
from ticcoop.supervision.models import (
    Batch,
    Ceremony,
    Commitment,
    Draw,
    EvidenceFile,
    InspectionItem,
    InspectionPlan,
    InspectorAvailability,
    ResultKind,
    Target,
    TargetImport,
    Task,
    TaskMember,
    TaskResult,
)


@admin.register(InspectionItem)
class InspectionItemAdmin(RegionScopedAdmin):
    list_display = ("number", "name", "region", "object_type", "rate_b", "published_at")
    list_filter = ("region", "object_type")
    search_fields = ("number", "name", "legal_basis")
    readonly_fields = ("published_at",)
    save_service = staticmethod(services.save_item)
    actions = ["publish"]

    @admin.action(description=_("公示所选抽查事项"))
    def publish(self, request: HttpRequest, queryset: QuerySet[InspectionItem]) -> None:
        for item in queryset:
            run_admin_action(self, request, services.publish_item, item)


@admin.register(Target)
class TargetAdmin(RegionScopedAdmin):
    list_display = ("code", "name", "region", "entity_type", "risk_class", "status")
    list_filter = ("region", "risk_class", "status")
    search_fields = ("code", "name")
    readonly_fields = ("risk_class",)
    save_service = staticmethod(services.save_target)
    show_full_result_count = False


@admin.register(TargetImport)
class TargetImportAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "rows", "sha256", "imported_by", "created_at")
    search_fields = ("file_name", "sha256")
    list_filter = ("created_at",)


@admin.register(InspectorAvailability)
class InspectorAvailabilityAdmin(RegionScopedAdmin):
    list_display = ("expert", "capacity", "available", "cross_region", "note")
    list_filter = ("available", "cross_region", "expert__region")
    search_fields = ("expert__name",)
    save_service = staticmethod(services.save_availability)


@admin.register(InspectionPlan)
class InspectionPlanAdmin(RegionScopedAdmin):
    list_display = ("title", "year", "region", "frequency", "status", "published_at")
    list_filter = ("status", "region", "year", "frequency")
    search_fields = ("title",)
    readonly_fields = ("status", "published_at")
    filter_horizontal = ("regions", "items")
    save_service = staticmethod(services.save_plan)
    actions = ["publish", "open_batch"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        services.save_plan(
            request.user,
            form.instance,
            regions=form.cleaned_data["regions"],
            items=form.cleaned_data["items"],
        )

    @admin.action(description=_("公示所选计划"))
    def publish(self, request: HttpRequest, queryset: QuerySet[InspectionPlan]) -> None:
        for plan in queryset:
            run_admin_action(self, request, services.publish_plan, plan)

    @admin.action(description=_("开始本期抽查批次"))
    def open_batch(self, request: HttpRequest, queryset: QuerySet[InspectionPlan]) -> None:
        for plan in queryset:
            run_admin_action(self, request, services.create_batch, plan)


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "period", "due_on", "status", "snapshot_sha256", "redraw_of")
    list_filter = ("status", "plan__region")
    search_fields = ("plan__title", "period", "snapshot_sha256")
    actions = ["freeze", "restart"]

    @admin.action(description=_("冻结名录快照并开始摇号仪式"))
    def freeze(self, request: HttpRequest, queryset: QuerySet[Batch]) -> None:
        for batch in queryset:
            run_admin_action(self, request, services.freeze_snapshot, batch)

    @admin.action(description=_("重新开始失败的摇号仪式"))
    def restart(self, request: HttpRequest, queryset: QuerySet[Batch]) -> None:
        for batch in queryset:
            run_admin_action(self, request, services.restart_ceremony, batch)


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    can_delete = False
    readonly_fields = ("region", "commit", "reveal", "committed_at", "revealed_at")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ceremony)
class CeremonyAdmin(ReadOnlyAdmin):
    list_display = ("label", "status", "commit_deadline", "reveal_deadline", "failure")
    list_filter = ("status",)
    search_fields = ("label", "seed")
    inlines = [CommitmentInline]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ("ceremony", "region", "commit", "revealed_at", "failed_reveals")
    list_filter = ("region",)
    search_fields = ("ceremony__label", "commit")


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    list_display = ("batch", "manifest_sha256", "published_at")
    search_fields = ("manifest_sha256", "batch__plan__title")
    list_filter = ("published_at",)
    exclude = ("manifest",)


class TaskMemberInline(admin.TabularInline):
    model = TaskMember
    extra = 0
    can_delete = False
    readonly_fields = ("expert", "stage", "rank")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("target_name", "target_code", "batch", "region", "status", "replaces")
    list_filter = ("status", "region")
    search_fields = ("target_name", "target_code")
    inlines = [TaskMemberInline]
    actions = ["replace_not_found", "replace_closed"]

    def _replace(self, request: HttpRequest, queryset: QuerySet[Task], reason: str) -> None:
        for task in queryset:
            run_admin_action(self, request, services.replace_target, task, reason)

    @admin.action(description=_("递补：未找到检查对象"))
    def replace_not_found(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        self._replace(request, queryset, str(ResultKind.NOT_FOUND.label))

    @admin.action(description=_("递补：已注销或停业"))
    def replace_closed(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        self._replace(request, queryset, str(ResultKind.CLOSED.label))


@admin.register(TaskMember)
class TaskMemberAdmin(ReadOnlyAdmin):
    list_display = ("task", "expert", "stage", "rank")
    list_filter = ("stage",)
    search_fields = ("task__target_name", "expert__name")


@admin.register(TaskResult)
class TaskResultAdmin(ReadOnlyAdmin):
    list_display = (
        "task",
        "version",
        "result",
        "checked_on",
        "publication_deadline",
        "published_at",
    )
    list_filter = ("result", "task__region")
    search_fields = ("task__target_name", "findings")
    actions = ["publish"]

    @admin.action(description=_("公示所选检查结果"))
    def publish(self, request: HttpRequest, queryset: QuerySet[TaskResult]) -> None:
        for result in queryset:
            run_admin_action(self, request, services.publish_result, result)


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = ("name", "task", "sha256", "size", "uploaded_at")
    search_fields = ("name", "sha256")
    list_filter = ("uploaded_at",)
