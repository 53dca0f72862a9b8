"""Back office: lifecycle changes are admin actions calling the services; scores append-only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticcoop.accounts.admin_scoping import ReadOnlyScopedAdmin, RegionScopedAdmin
from ticcoop.accounts.queries import writable_by
from ticcoop.competitions import services
from ticcoop.competitions.models import (
    Appeal,
    Award,
    BlindResult,
    Competition,
    Contestant,
    Discipline,
    Judge,
    JudgeScore,
    Result,
    StageNumber,
    TheoryScore,
)

APPEAL_DAYS = 7


def _run(
    admin_: admin.ModelAdmin, request: HttpRequest, queryset: Any, call: Callable[[Any], Any]
) -> None:
    done = 0
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            admin_.message_user(request, f"{obj}：{text}", messages.ERROR)
    if done:
        admin_.message_user(request, _("已处理 %(n)d 条。") % {"n": done}, messages.SUCCESS)


@admin.register(Competition)
class CompetitionAdmin(RegionScopedAdmin):
    save_service = staticmethod(services.save_competition)
    list_display = ["title", "year", "organiser_region", "status", "registration_closes"]
    list_filter = ["organiser_region", "status", "year"]
    search_fields = ["title", "venue"]
    readonly_fields = [
        "status",
        "appeal_deadline",
        "scores_confirmed_at",
        "published_at",
        "created_at",
        "updated_at",
    ]
    actions = [
        "open_registration",
        "close_registration",
        "start",
        "confirm_scores",
        "open_appeals",
        "publish",
    ]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("开放报名"))
    def open_registration(self, request: HttpRequest, queryset: Any) -> None:
        _run(self, request, queryset, lambda c: services.open_registration(request.user, c))

    @admin.action(description=_("截止报名并抽取编号"))
    def close_registration(self, request: HttpRequest, queryset: Any) -> None:
        _run(self, request, queryset, lambda c: services.close_registration(request.user, c))

    @admin.action(description=_("开始比赛"))
    def start(self, request: HttpRequest, queryset: Any) -> None:
        _run(self, request, queryset, lambda c: services.start_competition(request.user, c))

    @admin.action(description=_("确认成绩"))
    def confirm_scores(self, request: HttpRequest, queryset: Any) -> None:
        _run(self, request, queryset, lambda c: services.confirm_scores(request.user, c))

    @admin.action(description=_("开始申诉期（7 天）"))
    def open_appeals(self, request: HttpRequest, queryset: Any) -> None:
        deadline = timezone.now() + timedelta(days=APPEAL_DAYS)
        _run(self, request, queryset, lambda c: services.open_appeals(request.user, c, deadline))

    @admin.action(description=_("公布结果"))
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        _run(self, request, queryset, lambda c: services.publish_results(request.user, c))


@admin.register(Discipline)
class DisciplineAdmin(RegionScopedAdmin):
    save_service = staticmethod(services.save_discipline)
    delete_service = staticmethod(services.delete_discipline)
    list_display = [
        "name",
        "code",
        "competition",
        "weight_theory",
        "weight_blind",
        "weight_operation",
        "quota_per_institution",
    ]
    list_filter = ["competition__organiser_region", "competition"]
    search_fields = ["name", "code", "competition__title"]


@admin.register(Contestant)
class ContestantAdmin(RegionScopedAdmin):
    list_display = ["person_name", "number", "institution", "region", "discipline", "status"]
    list_filter = ["region", "status", "competition"]
    search_fields = ["person_name", "staff_number", "number", "institution__name"]
    actions = ["confirm"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # institution users register on the competition page or the API

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("确认报名"))
    def confirm(self, request: HttpRequest, queryset: Any) -> None:
        _run(
            self,
            request,
            queryset,
            lambda c: services.decide_contestant(request.user, c, approve=True),
        )


@admin.register(StageNumber)
class StageNumberAdmin(ReadOnlyScopedAdmin):
    """The key of the anonymous numbers: only the organiser region sees it."""

    list_display = ["number", "stage", "contestant", "competition"]
    list_filter = ["stage", "competition"]
    search_fields = ["number", "contestant__person_name"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[StageNumber]:
        return writable_by(request.user, super().get_queryset(request))


@admin.register(Judge)
class JudgeAdmin(RegionScopedAdmin):
    save_service = staticmethod(lambda actor, j: services.add_judge(actor, j.discipline, j.expert))
    delete_service = staticmethod(services.remove_judge)
    list_display = ["expert", "discipline", "competition"]
    list_filter = ["competition"]
    search_fields = ["expert__name", "discipline__name"]
    autocomplete_fields = ["expert"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)


class ScoreAdmin(RegionScopedAdmin):
    """New records only (corrections with a reason); no edits, no deletions."""

    list_filter = ["contestant__competition"]
    search_fields = ["contestant__person_name", "contestant__number", "reason"]
    autocomplete_fields = ["contestant"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TheoryScore)
class TheoryScoreAdmin(ScoreAdmin):
    save_service = staticmethod(lambda actor, r: services.record_theory_score(
        actor, r.contestant, r.score, r.submitted_at, r.reason))  # fmt: skip
    list_display = ["contestant", "score", "submitted_at", "reason", "created_at"]
    fields = ["contestant", "score", "submitted_at", "reason"]


@admin.register(BlindResult)
class BlindResultAdmin(ScoreAdmin):
    save_service = staticmethod(
        lambda actor, r: services.record_blind_result(actor, r.contestant, r.value, r.reason)
    )
    list_display = ["contestant", "value", "reason", "created_at"]
    fields = ["contestant", "value", "reason"]


@admin.register(JudgeScore)
class JudgeScoreAdmin(ScoreAdmin):
    save_service = staticmethod(lambda actor, r: services.record_judge_score(
        actor, r.judge, r.contestant, item_scores=r.item_scores or None, total=r.total,
        reason=r.reason))  # fmt: skip
    list_display = ["contestant", "judge", "total", "reason", "created_at"]
    fields = ["contestant", "judge", "item_scores", "total", "reason"]


@admin.register(Result)
class ResultAdmin(ReadOnlyScopedAdmin):
    list_display = ["contestant", "rank", "total", "theory", "blind", "operation", "medal"]
    list_filter = ["contestant__competition", "medal"]
    search_fields = ["contestant__person_name", "contestant__number"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyScopedAdmin):
    list_display = ["contestant", "filed_at", "outcome", "answered_at"]
    list_filter = ["outcome", "contestant__competition"]
    search_fields = ["contestant__person_name", "text", "answer"]


@admin.register(Award)
class AwardAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "contestant", "medal", "rank", "issued_at"]
    list_filter = ["medal", "contestant__competition"]
    search_fields = ["number", "contestant__person_name"]
