"""Back office: lifecycle fields are read-only; state changes are actions that call services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ticcoop.accounts.admin_scoping import ReadOnlyAdmin, RegionScopedAdmin
from ticcoop.inspections.models import (
    ActionItem,
    ActionPlan,
    Campaign,
    CampaignPair,
    CampaignTarget,
    CaseHandover,
    Finding,
    FindingFile,
    FindingRectification,
    JointTask,
    JointTaskFile,
    JointTaskMember,
    JointTaskNote,
    JointTaskRegion,
    Milestone,
    TeamAssignment,
)
from ticcoop.inspections.services import campaigns, findings, joint, plan


def _each(
    request: HttpRequest, queryset: QuerySet[Any], service: Callable[[Any, Any], Any]
) -> None:
    done = 0
    for obj in queryset:
        try:
            service(request.user, obj)
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"{obj}: {text}")
        else:
            done += 1
    if done:
        messages.success(request, _("已处理 %(n)d 条") % {"n": done})


def _save_campaign(actor: Any, campaign: Campaign) -> Campaign:
    return campaigns.save_campaign(actor, campaign)


def _delete_draft(actor: Any, campaign: Campaign) -> None:
    if campaign.status != "draft":
        raise PermissionDenied(_("已抽取的互查不能删除"))
    from ticcoop.accounts.services import delete_scoped_record

    delete_scoped_record(actor, campaign)


@admin.register(Campaign)
class CampaignAdmin(RegionScopedAdmin):
    save_service = staticmethod(_save_campaign)
    delete_service = staticmethod(_delete_draft)
    list_display = ["year", "title", "organiser", "status", "drawn_at"]
    list_filter = ["status", "year", "organiser"]
    search_fields = ["title", "seed", "candidate"]
    readonly_fields = [
        "status",
        "seed",
        "snapshot",
        "candidate",
        "candidate_ticket",
        "candidate_position",
        "candidate_count",
        "drawn_at",
        "drawn_by",
        "started_at",
        "closed_at",
    ]
    actions = ["draw", "start", "close"]

    @admin.action(description=_("抽取轮换、对象和检查组（系统生成种子）"))
    def draw(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        _each(request, queryset, campaigns.draw_campaign)

    @admin.action(description=_("开始检查"))
    def start(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        _each(request, queryset, campaigns.start_campaign)

    @admin.action(description=_("结束互查"))
    def close(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        _each(request, queryset, campaigns.close_campaign)


@admin.register(CampaignPair)
class CampaignPairAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "inspecting", "inspected", "repeated"]
    list_filter = ["campaign__year", "inspecting", "inspected"]
    search_fields = ["campaign__title"]


@admin.register(CampaignTarget)
class CampaignTargetAdmin(ReadOnlyAdmin):
    list_display = ["institution", "pair", "rank", "status", "inspected_on"]
    list_filter = ["status", "pair__campaign__year", "pair__inspected"]
    search_fields = ["institution__name", "institution__credit_code"]


@admin.register(TeamAssignment)
class TeamAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["expert", "target", "stage", "rank"]
    list_filter = ["stage", "target__pair__inspecting"]
    search_fields = ["expert__name", "target__institution__name"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["clause", "severity", "target", "deadline", "status", "published"]
    list_filter = ["status", "severity", "published", "target__pair__inspected"]
    search_fields = ["description", "clause__number", "target__institution__name"]
    actions = ["accept", "publish", "unpublish"]

    @admin.action(description=_("整改通过"))
    def accept(self, request: HttpRequest, queryset: QuerySet[Finding]) -> None:
        _each(request, queryset, findings.accept_finding_rectification)

    @admin.action(description=_("案例库中公开机构名称"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Finding]) -> None:
        _each(request, queryset, findings.publish_finding)

    @admin.action(description=_("案例库中隐去机构名称"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Finding]) -> None:
        _each(request, queryset, lambda user, f: findings.publish_finding(user, f, False))


@admin.register(FindingRectification)
class FindingRectificationAdmin(ReadOnlyAdmin):
    list_display = ["finding", "submitted_at", "decision", "reviewed_at"]
    list_filter = ["decision"]
    search_fields = ["text", "finding__description"]


@admin.register(FindingFile)
class FindingFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "finding", "size", "sha256"]
    search_fields = ["name", "sha256"]
    list_filter = ["uploaded_at"]


class MemberInline(admin.TabularInline):
    model = JointTaskMember
    extra = 0


@admin.register(JointTask)
class JointTaskAdmin(RegionScopedAdmin):
    list_display = ["title", "kind", "lead_region", "status", "planned_start"]
    list_filter = ["status", "kind", "lead_region", "year"]
    search_fields = ["title", "scope", "institution__name"]
    readonly_fields = ["status", "report", "reported_at", "closed_at", "created_by"]
    inlines = [MemberInline]
    actions = ["accept", "start", "close"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # proposals go through the page or the API (participants, team rules)

    @admin.action(description=_("确认本地区参加"))
    def accept(self, request: HttpRequest, queryset: QuerySet[JointTask]) -> None:
        _each(request, queryset, joint.accept_joint_task)

    @admin.action(description=_("开始检查"))
    def start(self, request: HttpRequest, queryset: QuerySet[JointTask]) -> None:
        _each(request, queryset, joint.start_joint_task)

    @admin.action(description=_("结束任务"))
    def close(self, request: HttpRequest, queryset: QuerySet[JointTask]) -> None:
        _each(request, queryset, joint.close_joint_task)


@admin.register(JointTaskRegion)
class JointTaskRegionAdmin(ReadOnlyAdmin):
    list_display = ["task", "region", "accepted_at"]
    list_filter = ["region"]
    search_fields = ["task__title"]


@admin.register(JointTaskMember)
class JointTaskMemberAdmin(RegionScopedAdmin):
    list_display = ["expert", "task", "is_leader"]
    list_filter = ["is_leader", "task__lead_region"]
    search_fields = ["expert__name", "task__title"]


@admin.register(JointTaskNote)
class JointTaskNoteAdmin(ReadOnlyAdmin):
    list_display = ["task", "author", "created_at"]
    list_filter = ["task__lead_region"]
    search_fields = ["text", "task__title"]


@admin.register(JointTaskFile)
class JointTaskFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "task", "size", "sha256"]
    list_filter = ["task__lead_region"]
    search_fields = ["name", "sha256"]


@admin.register(CaseHandover)
class CaseHandoverAdmin(ReadOnlyAdmin):
    list_display = ["task", "to_region", "handed_over_at", "received_at"]
    list_filter = ["to_region"]
    search_fields = ["summary", "task__title"]


@admin.register(ActionPlan)
class ActionPlanAdmin(RegionScopedAdmin):
    save_service = staticmethod(plan.save_action_plan)
    list_display = ["year", "title", "convener"]
    list_filter = ["convener"]
    search_fields = ["title"]


def _save_item(actor: Any, item: ActionItem) -> ActionItem:
    return plan.save_action_item(actor, item)


@admin.register(ActionItem)
class ActionItemAdmin(RegionScopedAdmin):
    save_service = staticmethod(_save_item)
    list_display = ["number", "title", "plan", "area", "lead_region", "deadline", "metric"]
    list_filter = ["plan", "area", "lead_region"]
    search_fields = ["title", "description"]


@admin.register(Milestone)
class MilestoneAdmin(RegionScopedAdmin):
    list_display = ["title", "item", "due", "done_on"]
    list_filter = ["item__plan", "item__lead_region"]
    search_fields = ["title", "item__title"]
    readonly_fields = ["done_on", "done_by"]
    actions = ["complete"]

    @admin.action(description=_("确认节点完成（今天）"))
    def complete(self, request: HttpRequest, queryset: QuerySet[Milestone]) -> None:
        _each(request, queryset, plan.complete_milestone)
