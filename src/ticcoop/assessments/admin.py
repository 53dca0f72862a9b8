"""Back office: catalogue drafts editable, published versions read-only; lifecycles by action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ticcoop.accounts.admin_scoping import ReadOnlyScopedAdmin, RegionScopedAdmin, run_admin_action
from ticcoop.assessments import services
from ticcoop.assessments.models import (
    Assessment,
    CatalogueStatus,
    ClauseOutcome,
    CriteriaCatalogue,
    CriteriaClause,
    CriteriaElement,
    EvidenceFile,
    Nonconformity,
    Rectification,
    TeamMember,
)
from ticcoop.assessments.services.catalogue import catalogue_of, may_manage_catalogue


class CatalogueWriteMixin(admin.ModelAdmin):
    """Writes only by catalogue managers, and only while the catalogue is a draft."""

    def _writable(self, request: HttpRequest, obj: Any) -> bool:
        if not may_manage_catalogue(request.user):
            return False
        catalogue = catalogue_of(obj) if obj is not None else None
        return catalogue is None or catalogue.status == CatalogueStatus.DRAFT

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return may_manage_catalogue(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._writable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._writable(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_catalogue_part(request.user, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_catalogue_part(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            services.delete_catalogue_part(request.user, obj)


class ElementInline(admin.TabularInline):
    model = CriteriaElement
    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or (
            may_manage_catalogue(request.user) and obj.status == CatalogueStatus.DRAFT
        )

    has_change_permission = has_delete_permission = has_add_permission


@admin.register(CriteriaCatalogue)
class CriteriaCatalogueAdmin(CatalogueWriteMixin):
    list_display = ("code", "version", "title", "status", "published_at")
    list_filter = ("status", "code")
    search_fields = ("code", "title")
    readonly_fields = ("status", "published_at", "based_on")
    inlines = [ElementInline]
    actions = ["make_draft", "publish"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for row in formset.save(commit=False):
            services.save_catalogue_part(request.user, row)
        for row in formset.deleted_objects:
            services.delete_catalogue_part(request.user, row)

    @admin.action(description=_("由所选版本创建新版本草稿"))
    def make_draft(self, request: HttpRequest, queryset: QuerySet[CriteriaCatalogue]) -> None:
        for catalogue in queryset:
            run_admin_action(self, request, services.create_catalogue_draft_from, catalogue)

    @admin.action(description=_("发布所选草稿（替代现行版本）"))
    def publish(self, request: HttpRequest, queryset: QuerySet[CriteriaCatalogue]) -> None:
        for catalogue in queryset:
            run_admin_action(self, request, services.publish_catalogue, catalogue)


@admin.register(CriteriaElement)
class CriteriaElementAdmin(CatalogueWriteMixin):
    list_display = ("catalogue", "number", "name")
    list_filter = ("catalogue",)
    search_fields = ("name",)


@admin.register(CriteriaClause)
class CriteriaClauseAdmin(CatalogueWriteMixin):
    list_display = ("number", "title", "element")
    list_filter = ("element__catalogue", "element__name")
    search_fields = ("number", "title", "text")


class TeamInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    readonly_fields = ("expert", "is_leader")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(RegionScopedAdmin):
    """Assessments are planned on the pages/API (team rules); here they are read and moved on."""

    list_display = ("institution", "kind", "status", "conclusion", "planned_date", "onsite_end")
    list_filter = ("status", "kind", "conclusion", "institution__region", "catalogue")
    search_fields = ("institution__name", "institution__credit_code")
    readonly_fields = (
        "institution",
        "kind",
        "catalogue",
        "status",
        "conclusion",
        "summary",
        "concluded_at",
        "concluded_by",
    )
    inlines = [TeamInline]
    actions = ["start"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("开始现场评审"))
    def start(self, request: HttpRequest, queryset: QuerySet[Assessment]) -> None:
        for assessment in queryset:
            run_admin_action(self, request, services.start_assessment, assessment)


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnlyScopedAdmin):
    list_display = ("assessment", "expert", "is_leader")
    list_filter = ("is_leader", "assessment__institution__region")
    search_fields = ("expert__name", "assessment__institution__name")


@admin.register(ClauseOutcome)
class ClauseOutcomeAdmin(ReadOnlyScopedAdmin):
    list_display = ("assessment", "clause", "outcome")
    list_filter = ("outcome", "assessment__institution__region")
    search_fields = ("clause__number", "assessment__institution__name")


@admin.register(Nonconformity)
class NonconformityAdmin(RegionScopedAdmin):
    list_display = ("clause", "assessment", "severity", "status", "deadline")
    list_filter = ("status", "severity", "assessment__institution__region")
    search_fields = ("description", "clause__number", "assessment__institution__name")
    date_hierarchy = "deadline"
    readonly_fields = (
        "assessment",
        "clause",
        "severity",
        "deadline",
        "status",
        "closure_note",
        "closed_at",
        "closed_by",
    )
    actions = ["accept"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("接受整改并关闭"))
    def accept(self, request: HttpRequest, queryset: QuerySet[Nonconformity]) -> None:
        for nc in queryset:
            run_admin_action(self, request, services.accept_rectification, nc)


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyScopedAdmin):
    list_display = ("nonconformity", "submitted_by", "submitted_at", "decision")
    list_filter = ("decision", "nonconformity__assessment__institution__region")
    search_fields = ("evidence", "nonconformity__assessment__institution__name")


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "size", "sha256", "rectification")
    list_filter = ("rectification__nonconformity__assessment__institution__region",)
    search_fields = ("name", "sha256")
