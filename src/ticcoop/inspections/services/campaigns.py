"""Campaign lifecycle: draft → rotation drawn (with targets and teams) → in progress → closed.

The draw follows docs/methods/rotation.md: the rotation from ``methods.rotation``, the targets
from ``methods.draw`` (consistent sampling), the teams from ``methods.teams``.  A drawn
campaign's pairs, targets and teams are never changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop import events
from ticcoop.accounts.audit import audit_as
from ticcoop.digesting import current_algorithm
from ticcoop.inspections.models import (
    Campaign,
    CampaignPair,
    CampaignStatus,
    CampaignTarget,
    TargetStatus,
    TeamAssignment,
)
from ticcoop.inspections.queries import access_campaign_manage, access_inspect
from ticcoop.methods import rotation as rotation_method
from ticcoop.methods.draw import Ticket, sample
from ticcoop.methods.seed import new_reveal, snapshot_hash
from ticcoop.methods.team_rules import Inspector, RegionRule, TeamTarget
from ticcoop.methods.teams import Assignment, assign_teams
from ticcoop.regions.models import Region
from ticcoop.registry.models import Expert, Institution, InstitutionStatus

TARGET_LABEL = "cross-target"
TEAM_LABEL = "cross-team"


def _validate(campaign: Campaign) -> None:
    errors: dict[str, str] = {}
    if not campaign.risk_classes or set(campaign.risk_classes) - set("ABCD"):
        errors["risk_classes"] = _("风险分类只能由字母 A、B、C、D 组成，例如 CD")
    if campaign.team_size < 2:
        errors["team_size"] = _("检查组至少2人")
    if campaign.per_region < 1:
        errors["per_region"] = _("每地区至少检查1家机构")
    if campaign.pattern_k < 1:
        errors["pattern_k"] = _("每地区至少被1个地区检查")
    if not campaign.item_list:
        errors["items"] = _("请至少填写一项检查事项")
    if errors:
        raise ValidationError(errors)
    campaign.full_clean()


@transaction.atomic
def save_campaign(
    actor: Any, campaign: Campaign, participants: Iterable[Region] | None = None
) -> Campaign:
    """Create or change a draft campaign (organiser region's regulators only)."""
    access_campaign_manage(actor, campaign)
    if campaign.pk is not None:
        stored = Campaign.objects.select_for_update().get(pk=campaign.pk)
        access_campaign_manage(actor, stored)
        if stored.status != CampaignStatus.DRAFT:
            raise ValidationError(_("互查已抽取轮换，不能再修改"))
    campaign.status = CampaignStatus.DRAFT
    _validate(campaign)
    with audit_as(actor):
        campaign.save()
        if participants is not None:
            chosen = list(participants)
            if len(chosen) < 2:
                raise ValidationError({"participants": _("至少需要两个参加地区")})
            campaign.participants.set(chosen)
    return campaign


def eligible_codes(campaign: Campaign, region: Region) -> list[str]:
    """Credit codes of the region's operating institutions in the campaign's scope."""
    institutions = Institution.objects.filter(
        region=region,
        status=InstitutionStatus.OPERATING,
        risk_class__in=list(campaign.risk_classes),
    )
    if campaign.field_list:
        institutions = institutions.filter(
            certificates__scope__category__in=campaign.field_list
        ).distinct()
    return sorted(institutions.values_list("credit_code", flat=True))


def _inspectors(campaign: Campaign, region: Region, recent: dict[int, set[str]]) -> list[Inspector]:
    experts = Expert.objects.filter(region=region, is_inspector=True).select_related("employer")
    ties: dict[int, set[str]] = {}
    for expert_id, code in Expert.declared_ties.through.objects.filter(
        expert__in=experts
    ).values_list("expert_id", "institution__credit_code"):
        ties.setdefault(expert_id, set()).add(code)
    return [
        Inspector(
            id=str(expert.pk),
            region=region.code,
            employer=expert.employer.credit_code if expert.employer else f"~{expert.employer_name}",
            capacity=campaign.inspector_cap,
            ties=frozenset(ties.get(expert.pk, ())),
            recent_targets=frozenset(recent.get(expert.pk, ())),
        )
        for expert in experts.order_by("pk")
    ]


def _previous_pairs(campaign: Campaign) -> list[tuple[str, str]]:
    if campaign.previous is None:
        return []
    return list(campaign.previous.pairs.values_list("inspecting__code", "inspected__code"))


def _recent_targets(campaign: Campaign) -> dict[int, set[str]]:
    recent: dict[int, set[str]] = {}
    if campaign.previous is not None:
        for expert_id, code in TeamAssignment.objects.filter(
            target__pair__campaign=campaign.previous
        ).values_list("expert_id", "target__institution__credit_code"):
            recent.setdefault(expert_id, set()).add(code)
    return recent


@transaction.atomic
def draw_campaign(actor: Any, campaign: Campaign, seed: str = "") -> Campaign:
    """Draw the rotation, the targets and the teams from ``seed`` (a fresh one if empty)."""
    access_campaign_manage(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(_("本次互查已经抽取，抽取结果不可更改"))
    seed = seed.strip() or new_reveal()
    if len(seed) > 128:
        raise ValidationError({"seed": _("随机种子最长128个字符")})
    regions = {region.code: region for region in campaign.participants.all()}
    previous = _previous_pairs(campaign)
    try:
        rotation = rotation_method.draw_rotation(
            list(regions), seed, campaign.pattern_k, previous=previous, no_mutual=campaign.no_mutual
        )
    except rotation_method.RotationInputError as exc:
        raise ValidationError({"participants": str(exc)}) from exc
    recent = _recent_targets(campaign)
    populations = {code: eligible_codes(campaign, region) for code, region in regions.items()}
    inspectors = {code: _inspectors(campaign, region, recent) for code, region in regions.items()}
    document = _snapshot(campaign, previous, populations, inspectors)
    campaign.snapshot = snapshot_hash(document, current_algorithm())
    with audit_as(actor):
        pairs = {
            (a, b): CampaignPair.objects.create(
                campaign=campaign,
                inspecting=regions[a],
                inspected=regions[b],
                repeated=(a, b) in rotation.repeated,
            )
            for a, b in rotation.pairs
        }
        targets = _draw_targets(campaign, seed, pairs, populations)
        _draw_teams(campaign, seed, targets, inspectors)
        campaign.seed = seed
        campaign.candidate = rotation.candidate
        campaign.candidate_ticket = rotation.ticket.number[:96]
        campaign.candidate_position = rotation.position
        campaign.candidate_count = rotation.candidate_count
        campaign.status = CampaignStatus.DRAWN
        campaign.drawn_at = timezone.now()
        campaign.drawn_by = actor
        campaign.save()
        events.record("draws", campaign, type="draw.published")
    return campaign


def _snapshot(
    campaign: Campaign,
    previous: list[tuple[str, str]],
    populations: dict[str, list[str]],
    inspectors: dict[str, list[Inspector]],
) -> dict[str, Any]:
    return {
        "k": campaign.pattern_k,
        "no_mutual": campaign.no_mutual,
        "per_region": campaign.per_region,
        "team_size": campaign.team_size,
        "previous": sorted(f"{a}>{b}" for a, b in previous),
        "populations": populations,
        "inspectors": {
            code: [
                {
                    "id": i.id,
                    "employer": i.employer,
                    "capacity": i.capacity,
                    "ties": sorted(i.ties),
                    "recent": sorted(i.recent_targets),
                }
                for i in items
            ]
            for code, items in inspectors.items()
        },
    }


def _draw_targets(
    campaign: Campaign,
    seed: str,
    pairs: dict[tuple[str, str], CampaignPair],
    populations: dict[str, list[str]],
) -> dict[str, list[CampaignTarget]]:
    """Targets per inspecting region code."""
    shares: list[tuple[str, dict[str, list[Ticket]]]] = []
    for inspected in sorted({b for _a, b in pairs}):
        inspecting = sorted(a for a, b in pairs if b == inspected)
        take = campaign.per_region * len(inspecting)
        tickets = sample(populations[inspected], f"{seed}|{TARGET_LABEL}|{inspected}", take)
        shares.append((inspected, rotation_method.split_targets(tickets, inspecting)))
    # only the drawn institutions are read (the populations hold every eligible one)
    drawn = [t.id for _b, share in shares for tickets in share.values() for t in tickets]
    by_code = Institution.objects.in_bulk(drawn, field_name="credit_code")
    out: dict[str, list[CampaignTarget]] = {}
    for inspected, share in shares:
        for code, tickets in share.items():
            for rank, ticket in enumerate(tickets, start=1):
                target = CampaignTarget.objects.create(
                    pair=pairs[(code, inspected)],
                    institution=by_code[ticket.id],
                    ticket=ticket.number[:96],
                    rank=rank,
                )
                out.setdefault(code, []).append(target)
    return out


def _draw_teams(
    campaign: Campaign,
    seed: str,
    targets: dict[str, list[CampaignTarget]],
    inspectors: dict[str, list[Inspector]],
) -> None:
    for code, items in sorted(targets.items()):
        by_id = {t.institution.credit_code: t for t in items}
        result: Assignment = assign_teams(
            [
                TeamTarget(
                    id=t.institution.credit_code,
                    region=t.pair.inspected.code,
                    institutions=frozenset({t.institution.credit_code}),
                )
                for t in items
            ],
            inspectors[code],
            f"{seed}|{TEAM_LABEL}|{code}",
            size=campaign.team_size,
            rule=RegionRule.ALL_OTHER,
        )
        for team in result.teams:
            for member in team.members:
                TeamAssignment.objects.create(
                    target=by_id[team.target],
                    expert_id=int(member.inspector),
                    stage=member.stage,
                    rank=member.rank,
                    key=member.key,
                )
        for missing in result.unstaffed:
            for member in missing.partial:
                TeamAssignment.objects.create(
                    target=by_id[missing.target],
                    expert_id=int(member.inspector),
                    stage=member.stage,
                    rank=member.rank,
                    key=member.key,
                )
            target = by_id[missing.target]
            target.shortfall = f"{missing.reason}: {missing.detail}"[:256]
            target.save(update_fields=["shortfall"])


def _transition(
    actor: Any, campaign: Campaign, expected: CampaignStatus, new: CampaignStatus
) -> Campaign:
    access_campaign_manage(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != expected:
        raise ValidationError(
            _("互查当前状态为“%(status)s”，不能执行此操作")
            % {"status": campaign.get_status_display()}
        )
    return campaign


@transaction.atomic
def start_campaign(actor: Any, campaign: Campaign) -> Campaign:
    campaign = _transition(actor, campaign, CampaignStatus.DRAWN, CampaignStatus.IN_PROGRESS)
    with audit_as(actor):
        campaign.status = CampaignStatus.IN_PROGRESS
        campaign.started_at = timezone.now()
        campaign.save()
    return campaign


@transaction.atomic
def close_campaign(actor: Any, campaign: Campaign) -> Campaign:
    """Close once every drawn target has a recorded result (inspected or not inspected)."""
    campaign = _transition(actor, campaign, CampaignStatus.IN_PROGRESS, CampaignStatus.CLOSED)
    pending = list(
        CampaignTarget.objects.filter(
            pair__campaign=campaign, status=TargetStatus.DRAWN
        ).values_list("institution__name", flat=True)[:5]
    )
    if pending:
        raise ValidationError(
            _("以下对象尚未记录检查结果：%(names)s") % {"names": "、".join(pending)}
        )
    with audit_as(actor):
        campaign.status = CampaignStatus.CLOSED
        campaign.closed_at = timezone.now()
        campaign.save()
    return campaign


@transaction.atomic
def record_inspection(
    actor: Any,
    target: CampaignTarget,
    *,
    inspected_on: date | None,
    summary: str,
    inspected: bool = True,
) -> CampaignTarget:
    """The team (or the inspecting regulator) records the visit, or why it did not happen."""
    access_inspect(actor, target)
    target = (
        CampaignTarget.objects.select_for_update()
        .select_related("pair__campaign")
        .get(pk=target.pk)
    )
    if target.pair.campaign.status != CampaignStatus.IN_PROGRESS:
        raise ValidationError(_("只有检查中的互查可以记录检查结果"))
    if inspected and inspected_on is None:
        raise ValidationError({"inspected_on": _("请填写检查日期")})
    if not inspected and not summary.strip():
        raise ValidationError({"summary": _("未能检查时必须说明原因")})
    with audit_as(actor):
        target.status = TargetStatus.INSPECTED if inspected else TargetStatus.NOT_INSPECTED
        target.inspected_on = inspected_on if inspected else None
        target.summary = summary.strip()
        target.full_clean()
        target.save()
    return target
