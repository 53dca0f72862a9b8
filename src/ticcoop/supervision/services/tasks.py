"""Creating a batch's tasks from manifest-shaped entries: the draw's (``ceremony``) and each
递补's (``replacements``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse

from ticcoop import events
from ticcoop.audit.services import RowChange, log_rows
from ticcoop.bulk import insert_rows
from ticcoop.methods import manifest_files
from ticcoop.notices.services import notify_all
from ticcoop.registry.models import Expert, Institution
from ticcoop.supervision import snapshot
from ticcoop.supervision.models import Batch, Target, Task, TaskMember, TaskStatus

#: Task fields in the audit entry of a task created in bulk (``TaskMaker.create_many``).
TASK_FIELDS = ("batch_id", "target_code", "target_name", "region_id", "institution_id",
               "target_id", "items", "status", "unstaffed_reason")  # fmt: skip

#: (target code, drawn items, team members, unstaffed reason) of one task to create.
TaskEntry = tuple[str, list[str], Sequence[Mapping[str, Any]], str]


class TaskMaker:
    """Creates a batch's tasks from manifest-shaped entries (also used by 递补)."""

    def __init__(self, batch: Batch, codes: list[str], targets_csv: bytes) -> None:
        """``targets_csv``: the batch's frozen file, as the caller already read it."""
        self.batch = batch
        rows = manifest_files.iter_targets_csv(targets_csv)
        wanted = set(codes)  # only these targets, read row by row: the population may hold millions
        self.names = {
            row.id: (row.name, row.region, row.entity_type) for row in rows if row.id in wanted
        }
        self.regions = {region.code: region for region in batch.plan.regions.all()}
        self.institutions = dict(
            Institution.objects.filter(credit_code__in=codes).values_list("credit_code", "pk")
        )
        self.targets = dict(Target.objects.filter(code__in=codes).values_list("code", "pk"))

    def _build(self, code: str, items: list[str], unstaffed: str, **extra: Any) -> Task:
        name, region, kind = self.names[code]
        institution = kind == snapshot.INSTITUTION_TYPE
        return Task(
            batch=self.batch,
            target_code=code,
            target_name=name,
            region=self.regions[region],
            institution_id=self.institutions.get(code) if institution else None,
            target_id=self.targets.get(code) if not institution else None,
            items=";".join(sorted(items)),
            status=TaskStatus.UNSTAFFED if unstaffed else TaskStatus.ASSIGNED,
            unstaffed_reason=unstaffed,
            **extra,
        )

    @staticmethod
    def _team(task: Task, members: Sequence[Mapping[str, Any]]) -> list[TaskMember]:
        return [
            TaskMember(
                task=task,
                expert_id=snapshot.expert_pk_of(m["inspector"]),
                stage=m["stage"],
                rank=m["rank"],
            )
            for m in members
        ]

    @staticmethod
    def _notify(tasks: Sequence[tuple[Task, list[TaskMember]]]) -> None:
        """Tell each task's inspectors who have an account (one query for all the tasks)."""
        expert_pks = {member.expert_id for _task, team in tasks for member in team}
        users = {
            expert.pk: expert.user
            for expert in Expert.objects.filter(
                pk__in=expert_pks, user__isnull=False
            ).select_related("user")
        }
        for task, team in tasks:
            told = [users[m.expert_id] for m in team if m.expert_id in users]
            if told:
                params = {"subject": "inspection-task", "ref": f"{task.target_name} #{task.pk}"}
                url = reverse("supervision-task", args=[task.pk])
                notify_all(told, "task.assigned", params, url=url)

    def create(
        self,
        code: str,
        items: list[str],
        members: Sequence[Mapping[str, Any]],
        unstaffed: str = "",
        **extra: Any,
    ) -> Task:
        task = self._build(code, items, unstaffed, **extra)
        task.save()
        events.record("tasks", task)
        team = self._team(task, members)
        TaskMember.objects.bulk_create(team)
        self._notify([(task, team)])
        return task

    def create_many(self, actor: Any, entries: Sequence[TaskEntry]) -> list[Task]:
        """The tasks of a whole draw, written in bulk (``insert_rows``; a draw of a large
        population has thousands): one audit entry per task in ``actor``'s name, chained,
        as saving each would write, one event each, then their teams."""
        tasks = [self._build(code, items, unstaffed) for code, items, _m, unstaffed in entries]
        insert_rows(tasks)
        changes = (
            RowChange(task.pk, str(task), {f: (None, getattr(task, f)) for f in TASK_FIELDS}, True)
            for task in tasks
        )
        log_rows(actor, Task, changes)
        events.record_many("tasks", tasks)
        teams = [
            (task, self._team(task, members))
            for task, (_c, _i, members, _u) in zip(tasks, entries, strict=True)
        ]
        insert_rows([member for _task, team in teams for member in team])
        self._notify(teams)
        return tasks
