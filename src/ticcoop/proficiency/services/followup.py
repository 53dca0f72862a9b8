"""Follow-up: corrective actions for questionable/unsatisfactory results, and the risk rule."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.proficiency import rules
from ticcoop.proficiency.models import (
    ActionStatus,
    CorrectiveAction,
    EvaluationRun,
    Participant,
    Performance,
    Round,
    RoundStatus,
    Score,
)
from ticcoop.proficiency.queries import access_action_answer, access_action_close
from ticcoop.registry import services as registry_services
from ticcoop.registry.models import Institution

FOLLOW_UP = (Performance.QUESTIONABLE, Performance.UNSATISFACTORY)


def open_actions(actor: Any, round_: Round, run: EvaluationRun) -> list[CorrectiveAction]:
    """One corrective action per questionable or unsatisfactory score of the published run."""
    due = timezone.localdate() + timedelta(days=round_.scheme.corrective_action_days)
    scores = Score.objects.filter(evaluation__run=run, performance__in=FOLLOW_UP).values_list(
        "pk", "participant__institution_id", "evaluation__measurand_id", "performance"
    )  # not the evaluations themselves: their stored inputs/outputs are large
    actions = [
        CorrectiveAction(
            score_id=score_id,
            institution_id=institution_id,
            round=round_,
            measurand_id=measurand_id,
            performance=performance,
            due_date=due,
        )
        for score_id, institution_id, measurand_id, performance in scores
    ]
    with audit_as(actor):
        return CorrectiveAction.objects.bulk_create(actions)


@transaction.atomic
def answer_action(
    actor: Any, action: CorrectiveAction, *, root_cause: str, measures: str, evidence: str
) -> CorrectiveAction:
    """The institution's answer: root cause, corrective action and evidence (all required)."""
    access_action_answer(actor, action)
    if action.status == ActionStatus.CLOSED:
        raise ValidationError(_("整改已关闭，不能再答复"))
    missing = {
        name: _("不能为空")
        for name, text in (("root_cause", root_cause), ("action", measures), ("evidence", evidence))
        if not text.strip()
    }
    if missing:
        raise ValidationError(missing)
    action.root_cause, action.action, action.evidence = (
        root_cause.strip(),
        measures.strip(),
        evidence.strip(),
    )
    action.status, action.answered_by, action.answered_at = (
        ActionStatus.ANSWERED,
        actor,
        timezone.now(),
    )
    action.full_clean()
    with audit_as(actor):
        action.save()
    return action


@transaction.atomic
def close_action(actor: Any, action: CorrectiveAction) -> CorrectiveAction:
    """The regulator of the institution's region accepts an answered action."""
    access_action_close(actor, action)
    if action.status != ActionStatus.ANSWERED:
        raise ValidationError(_("只能关闭已答复的整改"))
    action.status, action.closed_by, action.closed_at = ActionStatus.CLOSED, actor, timezone.now()
    with audit_as(actor):
        action.save()
    return action


def configured_rule() -> rules.RepeatRule:
    """settings.TICCOOP_PT_RISK_RULE (a dict of RepeatRule fields) or the default 2 of 3."""
    return rules.RepeatRule(**getattr(settings, "TICCOOP_PT_RISK_RULE", {}))


def histories(institution_ids: list[int], field: str) -> dict[int, list[rules.RoundOutcome]]:
    """Newest-first published rounds of ``field`` per institution, with any unsatisfactory."""
    taken = Participant.objects.filter(
        institution_id__in=institution_ids,
        round__status=RoundStatus.PUBLISHED,
        round__scheme__field=field,
    ).values_list("institution_id", "round_id", "round__code", "round__published_at")
    bad = set(
        Score.objects.filter(
            evaluation__run__published_at__isnull=False,
            evaluation__run__round__scheme__field=field,
            participant__institution_id__in=institution_ids,
            performance=Performance.UNSATISFACTORY,
        ).values_list("participant__institution_id", "evaluation__run__round_id")
    )
    out: dict[int, list[tuple[Any, rules.RoundOutcome]]] = defaultdict(list)
    for institution_id, round_id, code, published in taken:
        outcome = rules.RoundOutcome(code, field, (institution_id, round_id) in bad)
        out[institution_id].append((published, outcome))
    return {
        i: [o for _p, o in sorted(rows, key=lambda r: r[0], reverse=True)]
        for i, rows in out.items()
    }


def apply_risk_rule(
    actor: Any, round_: Round, rule: rules.RepeatRule | None = None
) -> list[rules.RiskDecision]:
    """Decide for this round's participants; the registry service makes the change."""
    rule = rule or configured_rule()
    ids = list(round_.participants.values_list("institution_id", flat=True))
    current = dict(Institution.objects.filter(pk__in=ids).values_list("pk", "risk_class"))
    decisions = rules.decide_all(current, histories(ids, round_.scheme.field), rule)
    raise_risk_class = getattr(registry_services, "raise_risk_class", None)
    if raise_risk_class is not None:
        institutions = Institution.objects.in_bulk([d.institution_id for d in decisions])
        for decision in decisions:
            raise_risk_class(
                actor,
                institutions[decision.institution_id],
                decision.to_class,
                source="proficiency",
                reason=f"{round_.code}：{decision.reason}"[:256],
            )
    return decisions
