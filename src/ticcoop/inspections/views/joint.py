from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticcoop.inspections.forms import HandoverForm, JointTaskForm, NoteForm, ReportForm
from ticcoop.inspections.models import CaseHandover, JointTask, JointTaskFile
from ticcoop.inspections.queries import (
    access_joint_task,
    may_contribute_to_joint_task,
    may_lead_joint_task,
    regulator_region_id,
    visible_joint_tasks,
)
from ticcoop.inspections.services import joint as services
from ticcoop.pages import run
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution
from ticcoop.uploads import download


@login_required
def joint_list(request: HttpRequest) -> HttpResponse:
    tasks = visible_joint_tasks(request.user).prefetch_related("participants__region")
    context = {"tasks": tasks, "may_propose": regulator_region_id(request.user) is not None}
    return render(request, "inspections/joint_list.html", context)


@login_required
def joint_new(request: HttpRequest) -> HttpResponse:
    region_id = regulator_region_id(request.user)
    if region_id is None:
        raise PermissionDenied(_("只有地区监管人员可以提议联合检查"))
    form = JointTaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        code = data["institution"].strip().upper()
        institution = Institution.objects.filter(credit_code=code).first() if code else None
        try:
            if code and institution is None:
                raise ValidationError(_("没有统一社会信用代码为 %(code)s 的机构") % {"code": code})
            task = services.propose_joint_task(
                request.user,
                lead_region=Region.objects.get(pk=region_id),
                participants=list(data["participants"]),
                title=data["title"],
                kind=data["kind"],
                scope=data["scope"],
                planned_start=data["planned_start"],
                planned_end=data["planned_end"],
                members=list(data["members"]),
                institution=institution,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("inspections-joint", pk=task.pk)
    return render(request, "inspections/joint_form.html", {"form": form})


@login_required
def joint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = access_joint_task(
        request.user, get_object_or_404(JointTask.objects.select_related("lead_region"), pk=pk)
    )
    region_id = regulator_region_id(request.user)
    context = {
        "task": task,
        "participants": task.participants.select_related("region", "accepted_by"),
        "members": task.members.select_related("expert__region"),
        "notes": task.notes.select_related("author"),
        "files": task.files.all(),
        "handovers": task.handovers.select_related("to_region"),
        "may_lead": may_lead_joint_task(request.user, task),
        "may_accept": task.participants.filter(
            region_id=region_id, accepted_at__isnull=True
        ).exists()
        if region_id
        else False,
        "may_note": may_contribute_to_joint_task(request.user, task),
        "region_id": region_id,
        "note_form": NoteForm(),
        "report_form": ReportForm(),
        "handover_form": HandoverForm(),
    }
    return render(request, "inspections/joint_detail.html", context)


@login_required
def joint_file(request: HttpRequest, pk: int) -> FileResponse:
    """A file shared in a joint task, for whoever may read the task."""
    stored = get_object_or_404(JointTaskFile.objects.select_related("task"), pk=pk)
    access_joint_task(request.user, stored.task)
    return download(stored)


@login_required
@require_POST
def joint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    task = access_joint_task(request.user, get_object_or_404(JointTask, pk=pk))
    user, post = request.user, request.POST
    steps = {
        "accept": (lambda: services.accept_joint_task(user, task), _("确认参加")),
        "start": (lambda: services.start_joint_task(user, task), _("开始检查")),
        "report": (
            lambda: services.submit_joint_report(user, task, post.get("report", "")),
            _("提交报告"),
        ),
        "close": (lambda: services.close_joint_task(user, task), _("结束任务")),
        "note": (
            lambda: services.add_joint_note(
                user, task, post.get("text", ""), request.FILES.getlist("attachments")
            ),
            _("添加记录"),
        ),
        "handover": (
            lambda: services.hand_over_case(
                user,
                task,
                get_object_or_404(Region, pk=post.get("to_region") or 0),
                post.get("summary", ""),
            ),
            _("移交案件"),
        ),
    }
    if action not in steps:
        raise PermissionDenied
    step, label = steps[action]
    return run(request, step, label, "inspections-joint", pk)


@login_required
@require_POST
def handover_receive(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(CaseHandover, pk=pk)
    access_joint_task(request.user, handover.task)
    return run(
        request,
        lambda: services.receive_handover(request.user, handover),
        _("确认接收"),
        "inspections-joint",
        handover.task_id,
    )
