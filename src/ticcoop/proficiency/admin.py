"""Back office for proficiency testing: lifecycle fields are read-only, transitions are actions
that call the services, evaluations and results are view-only (they change only by services)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticcoop.accounts.admin_scoping import ReadOnlyAdmin, ReadOnlyScopedAdmin, RegionScopedAdmin
from ticcoop.proficiency import services
from ticcoop.proficiency.models import (
    CorrectiveAction,
    Dispatch,
    EvaluationRun,
    Extension,
    Instructions,
    ItemCheck,
    Measurand,
    MeasurandEvaluation,
    Participant,
    ParticipantLetter,
    ParticipationCertificate,
    ReferenceValue,
    Report,
    ReportParticulars,
    Result,
    Round,
    Scheme,
    Score,
    SubmissionReceipt,
)


def _run_each(
    request: HttpRequest, queryset: QuerySet[Any], service: Callable[[Any, Any], Any], done: str
) -> None:
    ok = 0
    for obj in queryset:
        try:
            service(request.user, obj)
            ok += 1
        except (ValidationError, PermissionDenied) as exc:
            text = "；".join(getattr(exc, "messages", [str(exc)]))
            messages.error(request, f"{obj}：{text}")
    if ok:
        messages.success(request, f"{done}：{ok}")


class MeasurandInline(admin.TabularInline):
    model = Measurand
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(RegionScopedAdmin):
    list_display = ("code", "name", "organising_region", "field", "x_pt_method", "sigma_method")
    list_filter = ("organising_region", "field", "x_pt_method", "sigma_method")
    search_fields = ("code", "name", "provider_name", "field")
    inlines = [MeasurandInline]


@admin.register(Measurand)
class MeasurandAdmin(RegionScopedAdmin):
    list_display = ("name", "unit", "scheme", "decimals")
    list_filter = ("scheme__organising_region",)
    search_fields = ("name", "scheme__code")


@admin.register(Round)
class RoundAdmin(RegionScopedAdmin):
    save_service = staticmethod(services.save_round)
    list_display = ("code", "title", "scheme", "status", "enrolment_deadline", "results_due")
    list_filter = ("status", "scheme__organising_region", "year")
    search_fields = ("code", "title", "scheme__name")
    readonly_fields = ("status", "dispatched_at", "closed_at", "evaluated_at", "published_at")
    actions = ["dispatch", "close", "evaluate", "publish"]

    @admin.action(description=gettext_lazy("发放样品（停止报名）"))
    def dispatch(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        _run_each(request, queryset, services.dispatch_items, _("已发放样品"))

    @admin.action(description=gettext_lazy("结果截止"))
    def close(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        _run_each(request, queryset, services.close_results, _("已截止"))

    @admin.action(description=gettext_lazy("评价（首次评价）"))
    def evaluate(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        _run_each(request, queryset, services.evaluate_round, _("已评价"))

    @admin.action(description=gettext_lazy("发布报告"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        _run_each(request, queryset, services.publish_round, _("已发布"))


@admin.register(ReferenceValue)
class ReferenceValueAdmin(RegionScopedAdmin):
    list_display = ("round", "measurand", "value", "uncertainty", "k")
    list_filter = ("round__scheme__organising_region",)
    search_fields = ("round__code", "measurand__name")


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ("code", "round", "institution", "enrolled_at")
    list_filter = ("round__scheme__organising_region", "institution__region")
    search_fields = ("code", "round__code", "institution__name")


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ("participant", "measurand", "version", "reported", "expanded_u", "source")
    list_filter = ("source", "participant__round__scheme__organising_region")
    search_fields = ("participant__code", "participant__round__code", "measurand__name")


@admin.register(SubmissionReceipt)
class SubmissionReceiptAdmin(ReadOnlyAdmin):
    list_display = ("participant", "number", "received_at", "digest")
    list_filter = ("participant__round__scheme__organising_region",)
    search_fields = ("participant__code", "participant__round__code", "digest")


@admin.register(ItemCheck)
class ItemCheckAdmin(ReadOnlyAdmin):
    list_display = ("round", "measurand", "kind", "passed", "decision", "decision_reason")
    list_filter = ("kind", "passed", "decision")
    search_fields = ("round__code", "measurand__name")


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdmin):
    list_display = ("round", "number", "created_at", "superseded_at", "published_at")
    list_filter = ("round__scheme__organising_region",)
    search_fields = ("round__code", "reason")


@admin.register(MeasurandEvaluation)
class MeasurandEvaluationAdmin(ReadOnlyAdmin):
    list_display = ("run", "measurand", "p", "x_pt", "u_x_pt", "sigma_pt", "z_used")
    list_filter = ("estimator", "z_used")
    search_fields = ("run__round__code", "measurand__name")


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ("participant", "evaluation", "z", "z_prime", "zeta", "en", "performance")
    list_filter = ("performance",)
    search_fields = ("participant__code", "evaluation__run__round__code")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("number", "revision", "round", "layout", "reason", "sha256", "created_at")
    list_filter = ("layout",)
    search_fields = ("number", "round__code", "sha256")
    exclude = ("pdf",)


@admin.register(ParticipantLetter)
class ParticipantLetterAdmin(ReadOnlyScopedAdmin):
    list_display = ("participant", "run", "sha256", "created_at")
    search_fields = ("participant__code", "run__round__code")
    exclude = ("pdf",)


@admin.register(ParticipationCertificate)
class ParticipationCertificateAdmin(ReadOnlyScopedAdmin):
    list_display = ("number", "participant", "issued_at", "digest")
    search_fields = ("number", "participant__code")


@admin.register(ReportParticulars)
class ReportParticularsAdmin(ReadOnlyScopedAdmin):
    list_display = ("round", "coordinator", "signatory", "updated_at")
    search_fields = ("round__code", "coordinator", "signatory")


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(RegionScopedAdmin):
    list_display = ("institution", "round", "measurand", "performance", "status", "due_date")
    list_filter = ("status", "performance", "institution__region")
    search_fields = ("institution__name", "round__code")
    readonly_fields = (
        "score",
        "institution",
        "round",
        "measurand",
        "performance",
        "status",
        "due_date",
        "root_cause",
        "action",
        "evidence",
        "answered_by",
        "answered_at",
        "closed_by",
        "closed_at",
    )
    actions = ["close_answered"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=gettext_lazy("确认整改并关闭"))
    def close_answered(self, request: HttpRequest, queryset: QuerySet[CorrectiveAction]) -> None:
        _run_each(request, queryset, services.close_action, _("已关闭"))


# The provider's workflow: written only through services (views), shown read-only here.
@admin.register(Instructions)
class InstructionsAdmin(ReadOnlyAdmin):
    list_display = ("round", "version", "edited_at", "reason")
    list_filter = ("round__scheme__organising_region",)
    search_fields = ("round__code",)


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = ("participant", "courier", "tracking_number", "dispatched_on", "condition")
    list_filter = ("participant__round__scheme__organising_region", "condition")
    search_fields = ("participant__code", "participant__round__code", "tracking_number")


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ("participant", "until", "reason", "granted_at")
    list_filter = ("participant__round__scheme__organising_region",)
    search_fields = ("participant__code", "participant__round__code")
