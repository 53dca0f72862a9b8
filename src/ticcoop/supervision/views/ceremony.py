"""The seed ceremony as pages: freeze, commit (computed in the browser), public value, reveal.

The commit page never sends the secret: the browser computes
``SHA256_hex(UTF8(canonical_json(["ticcoop-commit-v1", ceremony, region, secret])))``
(``ticcoop.methods.seed.commit_for``) and posts only that hash.  The secret is typed in
again on the reveal page, after every region has committed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticcoop.accounts.queries import can_write_region, region_id_of_user
from ticcoop.methods.seed import COMMIT_LABEL, MIN_REVEAL_LENGTH
from ticcoop.pages import run, submit
from ticcoop.regions.models import Region
from ticcoop.supervision import queries, services
from ticcoop.supervision.deferred import large_columns
from ticcoop.supervision.forms import CommitForm, FreezeForm, PublicValueForm, RevealForm
from ticcoop.supervision.models import Batch, BatchStatus, Ceremony


def _batch(request: HttpRequest, pk: int) -> Batch:
    batch = get_object_or_404(Batch.objects.select_related("plan__region"), pk=pk)
    queries.access_plan(request.user, batch.plan)
    return batch


def _ceremony(request: HttpRequest, pk: int) -> Ceremony:
    ceremony = get_object_or_404(
        Ceremony.objects.select_related("batch__plan__region").defer(*large_columns("batch")), pk=pk
    )
    queries.access_plan(request.user, ceremony.batch.plan)
    return ceremony


def _participant_region(request: HttpRequest, ceremony: Ceremony) -> Region:
    region_id = region_id_of_user(request.user)
    plan = ceremony.batch.plan
    if region_id is None or not can_write_region(request.user, region_id):
        raise PermissionDenied(_("只有参与地区的监管部门可以提交承诺值或随机数"))
    region = plan.regions.filter(pk=region_id).first()
    if region is None:
        raise PermissionDenied(_("本地区不是该计划的参与地区"))
    return region


@login_required
def freeze(request: HttpRequest, pk: int) -> HttpResponse:
    """Freeze the snapshot (lead region); afterwards the page shows its published hash."""
    batch = _batch(request, pk)
    is_lead = can_write_region(request.user, batch.plan.region_id)
    form = FreezeForm(request.POST or None)
    if request.method == "POST":
        if not is_lead:
            raise PermissionDenied(_("只有牵头地区的监管部门可以操作本计划"))
        if form.is_valid():
            data = form.cleaned_data
            done = submit(form, lambda: services.freeze_snapshot(request.user, batch, **data))
            if done is not None:
                messages.success(request, _("名录已冻结，快照哈希已公示。"))
                return redirect("supervision-batch-freeze", pk=batch.pk)
        batch.refresh_from_db()
    context = {
        "batch": batch,
        "form": form,
        "is_lead": is_lead,
        "open": batch.status == BatchStatus.OPEN,
    }
    return render(request, "supervision/freeze.html", context)


@login_required
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    ceremony = _ceremony(request, pk)
    region = _participant_region(request, ceremony)
    form = CommitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["commit"]
        if submit(form, lambda: services.commit_seed(request.user, ceremony, value)):
            messages.success(request, _("承诺值已提交。请妥善保管您的秘密随机数，公开阶段需要它。"))
            return redirect("supervision-batch", pk=ceremony.batch_id)
    context: dict[str, Any] = {
        "ceremony": ceremony,
        "region": region,
        "form": form,
        "existing": ceremony.commitments.filter(region=region).first(),
        "commit_label": COMMIT_LABEL,
        "min_length": MIN_REVEAL_LENGTH,
    }
    return render(request, "supervision/commit.html", context)


@login_required
def public_value(request: HttpRequest, pk: int) -> HttpResponse:
    ceremony = _ceremony(request, pk)
    form = PublicValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["value"]
        if submit(form, lambda: services.enter_public_value(request.user, ceremony, value)):
            messages.success(request, _("公开随机值已录入。"))
            return redirect("supervision-batch", pk=ceremony.batch_id)
    return render(request, "supervision/public_value.html", {"ceremony": ceremony, "form": form})


@login_required
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    ceremony = _ceremony(request, pk)
    region = _participant_region(request, ceremony)
    form = RevealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        secret = form.cleaned_data["reveal"]
        if submit(form, lambda: services.reveal_seed(request.user, ceremony, secret)):
            messages.success(request, _("随机数已公开并通过核验。"))
            return redirect("supervision-batch", pk=ceremony.batch_id)
    context = {
        "ceremony": ceremony,
        "region": region,
        "form": form,
        "mine": ceremony.commitments.filter(region=region).first(),
    }
    return render(request, "supervision/reveal.html", context)


@login_required
@require_POST
def restart(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    action = lambda: services.restart_ceremony(request.user, batch)  # noqa: E731
    return run(request, action, _("重新开始摇号仪式"), "supervision-batch", batch.pk)
