"""Tasks: inspectors' and regulators' lists, results with evidence, publication, 递补."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticcoop.accounts.queries import region_id_of_user
from ticcoop.pages import paginate, run, submit
from ticcoop.supervision import queries, services
from ticcoop.supervision.deferred import large_columns
from ticcoop.supervision.forms import EvidenceForm, ReasonForm, ResultForm
from ticcoop.supervision.models import EvidenceFile, Task, TaskResult
from ticcoop.supervision.services.replacements import REPLACEABLE
from ticcoop.uploads import download


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    queries.access_workbench(request.user)
    tasks = queries.tasks_for(request.user).prefetch_related("team__expert")
    query = request.GET.get("q", "").strip()
    if query:
        tasks = tasks.filter(Q(target_name__icontains=query) | Q(target_code__icontains=query))
    if status := request.GET.get("status", ""):
        tasks = tasks.filter(status=status)
    context = {
        "page": paginate(request, tasks),
        "q": query,
        "status": status,
        "statuses": queries.TASK_STATUS_CHOICES,
    }
    return render(request, "supervision/task_list.html", context)


def _task(request: HttpRequest, pk: int) -> Task:
    task = get_object_or_404(
        Task.objects.select_related("batch__plan", "region").defer(*large_columns("batch")), pk=pk
    )
    queries.access_task(request.user, task)
    return task


def _managed(request: HttpRequest, pk: int) -> Task:
    task = _task(request, pk)
    if not queries.may_manage_task(request.user, task):
        raise PermissionDenied(_("只有负责地区的监管部门可以操作该任务"))
    return task


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    manage = queries.may_manage_task(request.user, task)
    return _render_task(request, task, manage, ResultForm() if manage else None)


def _render_task(
    request: HttpRequest, task: Task, manage: bool, form: ResultForm | None
) -> HttpResponse:
    context = {
        "task": task,
        "team": task.team.select_related("expert__region"),
        "results": task.results.order_by("-version"),
        "evidence": task.evidence.all(),
        "replaced_by": task.replaced_by.all(),
        "manage": manage,
        "replaceable": manage and task.status in REPLACEABLE,
        "form": form,
        "evidence_form": EvidenceForm() if manage else None,
    }
    return render(request, "supervision/task_detail.html", context)


@login_required
@require_POST
def record_result(request: HttpRequest, pk: int) -> HttpResponse:
    task = _managed(request, pk)
    form = ResultForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if submit(form, lambda: services.record_result(request.user, task, **data)):
            messages.success(request, _("检查结果已保存（尚未公示）。"))
            return redirect("supervision-task", pk=task.pk)
    return _render_task(request, task, True, form)


@login_required
@require_POST
def publish_result(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(TaskResult.objects.select_related("task"), pk=pk)
    _managed(request, result.task_id)
    action = lambda: services.publish_result(request.user, result)  # noqa: E731
    return run(request, action, _("公示检查结果"), "supervision-task", result.task_id)


@login_required
@require_POST
def add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    task = _managed(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件"))
        return redirect("supervision-task", pk=task.pk)
    upload = form.cleaned_data["file"]
    action = lambda: services.add_evidence(request.user, task, upload.name, upload)  # noqa: E731
    return run(request, action, _("上传证据"), "supervision-task", task.pk)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A task's evidence file, for whoever may open the task."""
    stored = get_object_or_404(EvidenceFile.objects.select_related("task"), pk=pk)
    queries.access_task(request.user, stored.task)
    return download(stored)


@login_required
def replace(request: HttpRequest, pk: int) -> HttpResponse:
    """递补: the regulator states why the target cannot be inspected."""
    task = _managed(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        created = submit(form, lambda: services.replace_target(request.user, task, reason))
        if created:
            names = "、".join(t.target_name for t in created)
            messages.success(request, _("已递补：%(n)s") % {"n": names})
            return redirect("supervision-task", pk=created[0].pk)
    return render(request, "supervision/replace.html", {"task": task, "form": form})


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """Results past their publication deadline, for the responsible region."""
    queries.access_workbench(request.user)
    region_id = region_id_of_user(request.user)
    if region_id is None and not queries.sees_everything(request.user):
        raise PermissionDenied(_("只有地区监管部门可以查看逾期未公示的结果"))
    results = queries.overdue_results(region_id).order_by("publication_deadline", "pk")
    return render(request, "supervision/overdue.html", {"page": paginate(request, results)})
