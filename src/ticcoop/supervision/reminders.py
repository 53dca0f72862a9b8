"""Reminders of result publication (within 20 working days): the task's region is told."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from ticcoop.accounts.queries import regulators_of
from ticcoop.notices.reminders import ahead_of, remind
from ticcoop.supervision.models import TaskResult, TaskStatus


def remind_result_publication(today: date | None = None) -> int:
    today = today or timezone.localdate()
    newer = TaskResult.objects.filter(task=OuterRef("task"), version__gt=OuterRef("version"))
    due = (
        TaskResult.objects.filter(published_at__isnull=True)
        .filter(
            Q(publication_deadline__in=list(ahead_of(today))) | Q(publication_deadline__lt=today)
        )
        .exclude(task__status__in=[TaskStatus.SUPERSEDED, TaskStatus.REPLACED])
        .filter(~Exists(newer))
        .select_related("task")
    )
    written = 0
    for result in due:
        task = result.task
        params = {"subject": "result-publication", "ref": f"{task.target_name} #{task.pk}"}
        url = reverse("supervision-task", args=[task.pk])
        users = regulators_of(task.region_id)
        written += remind(
            today, f"result:{result.pk}", result.publication_deadline, users, params, url
        )
    return written
