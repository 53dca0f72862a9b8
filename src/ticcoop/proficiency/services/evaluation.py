"""Evaluation (statistics per measurand, all inputs and outputs stored) and publication."""

from __future__ import annotations

import importlib.metadata
from datetime import datetime
from typing import Any

import numpy as np
import scipy
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop import events
from ticcoop.accounts.audit import audit_as
from ticcoop.audit.chain import append_records
from ticcoop.methods.iso13528 import StatisticsInputError
from ticcoop.proficiency.compute import evaluate_measurand
from ticcoop.proficiency.models import (
    EvaluationRun,
    ItemCheck,
    Measurand,
    MeasurandEvaluation,
    Participant,
    ReferenceValue,
    Result,
    Round,
    RoundStatus,
    Score,
)
from ticcoop.proficiency.queries import access_organiser, current_run, latest_results
from ticcoop.proficiency.services.checks import check_terms


def software_version() -> str:
    return (
        f"ticcoop {importlib.metadata.version('ticcoop')}; numpy {np.__version__}; "
        f"scipy {scipy.__version__}"
    )


def _inputs(
    round_: Round,
    measurand: Measurand,
    rows: list[tuple[Participant, Result]],
    reference: ReferenceValue | None,
    terms: dict[str, float],
) -> dict[str, Any]:
    scheme = round_.scheme
    return {
        "round": round_.code,
        "measurand": measurand.name,
        "unit": measurand.unit,
        "codes": [p.code for p, _r in rows],
        "reported": [r.reported for _p, r in rows],
        "values": [r.value for _p, r in rows],
        "censor": [r.censor for _p, r in rows],
        "expanded_u": [r.expanded_u for _p, r in rows],
        "k": [r.k for _p, r in rows],
        "result_versions": [r.version for _p, r in rows],
        "x_pt_method": scheme.x_pt_method,
        "robust_method": scheme.robust_method,
        "stopping_rule": scheme.stopping_rule,
        "censor_rule": scheme.censor_rule,
        "sigma_method": scheme.sigma_method,
        "sigma_value": measurand.sigma_value,
        "sigma_percent": measurand.sigma_percent,
        "mass_fraction_per_unit": measurand.mass_fraction_per_unit,
        "reference": None
        if reference is None
        else {
            "value": reference.value,
            "uncertainty": reference.uncertainty,
            "k": reference.k,
            "expert_results": list(reference.expert_results or []),
        },
        "en_k": 2.0,
        **terms,
    }


def _check_items(checks: list[ItemCheck]) -> list[str]:
    return [
        _("“%(m)s”%(k)s检验未通过，须先记录处理决定（如扩大 σ_pt）")
        % {"m": c.measurand.name, "k": c.get_kind_display()}
        for c in checks
        if not c.passed and not c.decision
    ]


def _plan(
    round_: Round, latest: dict[tuple[int, int], Result], override_reason: str
) -> list[tuple[Measurand, dict[str, Any]]]:
    """Everything the statistics need, per measurand; refuses a round that breaks a rule."""
    participants = list(round_.participants.order_by("code"))
    checks = list(round_.item_checks.select_related("measurand"))
    references = {r.measurand_id: r for r in round_.references.all()}
    errors = _check_items(checks)
    plans, short = [], []
    for measurand in round_.scheme.measurands.all():
        rows = [
            (p, latest[(p.pk, measurand.pk)])
            for p in participants
            if (p.pk, measurand.pk) in latest
        ]
        if len(rows) < round_.scheme.min_participants:
            short.append(f"{measurand.name} {len(rows)}")
        terms = check_terms([c for c in checks if c.measurand_id == measurand.pk])
        inputs = _inputs(round_, measurand, rows, references.get(measurand.pk), terms)
        plans.append((measurand, inputs))
    if short and not override_reason.strip():
        errors.append(
            _("参加者不足（最少 %(n)s 个）：%(list)s；如仍要评价，须记录理由")
            % {"n": round_.scheme.min_participants, "list": "、".join(short)}
        )
    if errors:
        raise ValidationError(errors)
    return plans


def _store(
    run: EvaluationRun,
    measurand: Measurand,
    inputs: dict[str, Any],
    outputs: dict[str, Any],
    rows: dict[str, tuple[Participant, Result]],
) -> None:
    robust = outputs.get("robust") or {}
    evaluation = MeasurandEvaluation.objects.create(
        run=run,
        measurand=measurand,
        inputs=inputs,
        outputs=outputs,
        x_pt=outputs["x_pt"],
        u_x_pt=outputs["u_x_pt"],
        sigma_pt=outputs["sigma_pt"],
        sigma_basis=f"{outputs['sigma']['source']} ({outputs['sigma']['clause']})"[:256],
        estimator=robust.get("method") or inputs["x_pt_method"],
        stopping_rule=robust.get("stopping_rule") or "",
        iterations=robust.get("iterations") or 0,
        p=outputs["p"],
        z_used=outputs["z_used"],
    )
    scores = Score.objects.bulk_create(
        Score(
            evaluation=evaluation,
            participant=rows[row["code"]][0],
            result=rows[row["code"]][1],
            z=row["z"],
            z_prime=row["z_prime"],
            zeta=row["zeta"],
            en=row["en"],
            performance=row["performance"],
            zeta_class=row["zeta_class"],
            en_class=row["en_class"],
        )
        for row in outputs["rows"]
    )
    append_records(Score, [score.pk for score in scores])  # bulk_create sends no signal


@transaction.atomic
def evaluate_round(
    actor: Any, round_: Round, *, reason: str = "", override_reason: str = ""
) -> EvaluationRun:
    """Results closed → evaluated. A re-evaluation (before publication) needs a reason and
    supersedes the draft; fewer participants than the minimum needs ``override_reason``."""
    access_organiser(actor, round_)
    locked = Round.objects.select_for_update().select_related("scheme").get(pk=round_.pk)
    if locked.status not in (RoundStatus.CLOSED, RoundStatus.EVALUATED):
        raise ValidationError(
            _("当前状态为“%(s)s”，只能评价已截止的轮次") % {"s": locked.get_status_display()}
        )
    draft = current_run(locked)
    if draft is not None and not reason.strip():
        raise ValidationError({"reason": _("重新评价将取代现有评价草稿，须说明理由")})
    latest = latest_results(locked)
    plans = _plan(locked, latest, override_reason)
    computed = []
    for measurand, inputs in plans:
        try:
            computed.append((measurand, inputs, evaluate_measurand(inputs)))
        except StatisticsInputError as exc:
            raise ValidationError(_("“%(m)s”：%(e)s") % {"m": measurand.name, "e": exc}) from exc
    number = (locked.evaluations.aggregate(n=Max("number"))["n"] or 0) + 1
    now = timezone.now()
    with audit_as(actor):
        if draft is not None:
            EvaluationRun.objects.filter(pk=draft.pk).update(superseded_at=now)
            append_records(EvaluationRun, [draft.pk])  # update() sends no signal
        run = EvaluationRun.objects.create(
            round=locked,
            number=number,
            reason=reason.strip(),
            min_participants_override=override_reason.strip(),
            software_version=software_version(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        participants = {p.code: p for p in locked.participants.all()}
        for measurand, inputs, outputs in computed:
            rows = {
                code: (participants[code], latest[(participants[code].pk, measurand.pk)])
                for code in inputs["codes"]
            }
            _store(run, measurand, inputs, outputs, rows)
        locked.status, locked.evaluated_at = RoundStatus.EVALUATED, now
        locked.save(update_fields=["status", "evaluated_at"])
    return run


@transaction.atomic
def publish_round(
    actor: Any, round_: Round, *, render_report: bool = True, now: datetime | None = None
) -> Round:
    """Evaluated → report published: the evaluation freezes, follow-ups open, rules apply."""
    from ticcoop.proficiency.services.followup import apply_risk_rule, open_actions

    access_organiser(actor, round_)
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.status != RoundStatus.EVALUATED:
        raise ValidationError(_("只能发布已评价的轮次"))
    run = current_run(locked)
    if run is None:  # pragma: no cover - EVALUATED always has a run
        raise ValidationError(_("没有评价"))
    moment = now or timezone.now()
    with audit_as(actor):
        EvaluationRun.objects.filter(pk=run.pk).update(published_at=moment)
        append_records(EvaluationRun, [run.pk])  # update() sends no signal
        locked.status, locked.published_at = RoundStatus.PUBLISHED, moment
        locked.save(update_fields=["status", "published_at"])
    open_actions(actor, locked, run)
    apply_risk_rule(actor, locked)
    if render_report:
        from ticcoop.proficiency.services.reports import store_report

        store_report(actor, locked)
    # last: the feed's lock is then held only until the commit (see events.recorder)
    events.record("pt-rounds", locked, type="pt_report.published")
    return locked
