from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils.html import escape

from ticcoop.inspections.models import Campaign, CampaignStatus, CampaignTarget, TeamAssignment
from ticcoop.inspections.services.campaigns import TARGET_LABEL, eligible_codes
from ticcoop.inspections.tests import factories as f
from ticcoop.methods.draw import sample
from ticcoop.methods.rotation import draw_rotation, fairness
from ticcoop.registry.models import ExpertTie
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_draw_through_the_api_gives_a_fair_reproducible_rotation() -> None:
    f.populate(per_region=3)
    organiser = factories.regulator("11")
    client = _client(organiser)
    created = client.post(
        "/api/inspections/campaigns",
        json.dumps(
            {
                "year": 2025,
                "title": "互查",
                "participants": f.REGIONS,
                "items": "资质",
                "per_region": 2,
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    listed = client.get("/api/inspections/campaigns").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pk
    drawn = client.post(
        f"/api/inspections/campaigns/{pk}/draw",
        {"seed": "公开种子2025"},
        content_type="application/json",
    )
    assert drawn.status_code == 200, drawn.content
    body = drawn.json()
    pairs = [(p["inspecting"], p["inspected"]) for p in body["pairs"]]
    assert all(a != b for a, b in pairs)
    assert fairness(pairs) == {code: (1, 1) for code in f.REGIONS}
    assert pairs == list(draw_rotation(f.REGIONS, "公开种子2025").pairs)
    campaign = Campaign.objects.get(pk=pk)
    assert campaign.status == CampaignStatus.DRAWN and len(campaign.snapshot) == 64
    # targets are the consistent-sampling draw over the inspected region's credit codes
    for inspected in f.REGIONS:
        expected = sample(
            eligible_codes(campaign, factories.region(inspected)),
            f"公开种子2025|{TARGET_LABEL}|{inspected}",
            2,
        )
        got = [t for t in body["targets"] if t["inspected"] == inspected]
        assert [t["credit_code"] for t in got] == [t.id for t in expected]
        assert [t["ticket"] for t in got] == [t.number for t in expected]
    # every team member comes from the inspecting region, never the inspected one
    for member in TeamAssignment.objects.select_related("expert", "target__pair"):
        assert member.expert.region_id == member.target.pair.inspecting_id
    assert TeamAssignment.objects.count() == 2 * CampaignTarget.objects.count()


def test_a_drawn_campaign_is_immutable_and_only_the_organiser_draws() -> None:
    f.populate(per_region=1)
    organiser = factories.regulator("12")
    campaign = f.campaign(organiser)
    other = _client(factories.regulator("13"))
    refused = other.post(
        f"/api/inspections/campaigns/{campaign.pk}/draw",
        {"seed": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    client = _client(organiser)
    assert (
        client.post(
            f"/api/inspections/campaigns/{campaign.pk}/draw",
            {"seed": "x"},
            content_type="application/json",
        ).status_code
        == 200
    )
    again = client.post(
        f"/api/inspections/campaigns/{campaign.pk}/draw",
        {"seed": "y"},
        content_type="application/json",
    )
    assert again.status_code == 422
    assert Campaign.objects.get(pk=campaign.pk).seed == "x"


def test_next_campaign_avoids_last_years_pairs_and_recent_inspectors() -> None:
    f.populate(per_region=1, inspectors=4)
    organiser = factories.regulator("11")
    first = f.running_campaign(organiser, seed="2024")
    second = f.campaign(organiser, year=2026, previous=first)
    from ticcoop.inspections.services.campaigns import draw_campaign

    draw_campaign(organiser, second, "2026")
    old = set(first.pairs.values_list("inspecting__code", "inspected__code"))
    new = set(second.pairs.values_list("inspecting__code", "inspected__code"))
    assert not old & new
    assert not second.pairs.filter(repeated=True).exists()


def test_conflicts_keep_tied_inspectors_off_the_team() -> None:
    organiser = factories.regulator("11")
    target = factories.institution("12")
    factories.institution("11")
    tied = f.inspector("11")
    ExpertTie.objects.create(expert=tied, institution=target, reason="曾任职")
    free = {f.inspector("11").pk for _ in range(2)}
    f.inspector("12")
    f.inspector("12")
    campaign = f.campaign(organiser, regions=["11", "12"], no_mutual=False)
    from ticcoop.inspections.services.campaigns import draw_campaign

    draw_campaign(organiser, campaign, "tie-seed")
    pair = campaign.pairs.get(inspected__code="12")
    assert pair.inspecting.code == "11"
    team = set(TeamAssignment.objects.filter(target__pair=pair).values_list("expert_id", flat=True))
    assert team == free


def test_campaign_page_shows_the_seed_and_pairs() -> None:
    f.populate(per_region=1)
    organiser = factories.regulator("11")
    campaign = f.running_campaign(organiser, seed="page-seed")
    page = _client(factories.regulator("14")).get(f"/inspections/campaigns/{campaign.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "page-seed" in text and escape(campaign.candidate) in text
    assert text.count('class="pair"') == 5


def test_summary_report_page_and_pdf() -> None:
    f.populate(per_region=1)
    organiser = factories.regulator("11")
    campaign = f.running_campaign(organiser, seed="report-seed")
    client = _client(organiser)
    page = client.get(f"/inspections/campaigns/{campaign.pk}/report/")
    assert page.status_code == 200 and "地区比较" in page.content.decode()
    pdf = client.get(f"/inspections/campaigns/{campaign.pk}/report/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"STSong-Light" in pdf.content
    summary = client.get(f"/api/inspections/campaigns/{campaign.pk}/summary").json()
    assert summary["targets"] == 5 and summary["inspected"] == 0
