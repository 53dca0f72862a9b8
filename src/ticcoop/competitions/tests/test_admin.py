"""Back office: lifecycle via actions calling the services; the number key stays private."""

from __future__ import annotations

import pytest
from django.test import Client

from ticcoop.competitions.models import CompetitionStatus
from ticcoop.competitions.tests import factories as cf
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def test_admin_action_runs_the_service_and_reports_its_error() -> None:
    competition = cf.competition("13")
    client = Client()
    client.force_login(factories.regulator("13"))
    url = "/admin/competitions/competition/"
    data = {"action": "open_registration", "_selected_action": [competition.pk]}
    page = client.post(url, data, follow=True).content.decode()
    assert "至少需要设置一个比赛项目" in page
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.DRAFT
    cf.discipline(competition)
    client.post(url, data)
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.REGISTRATION_OPEN
    # The status is read-only on the change form: it cannot be set by hand.
    form = client.get(f"{url}{competition.pk}/change/").content.decode()
    assert 'name="status"' not in form


def test_other_region_cannot_run_the_lifecycle() -> None:
    competition = cf.competition("13")
    cf.discipline(competition)
    client = Client()
    client.force_login(factories.regulator("11"))
    response = client.post(
        f"/api/competitions/{competition.pk}/actions/open-registration",
        {},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)  # drafts are not even visible to other regions
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.DRAFT


def test_stage_number_key_is_visible_to_the_organiser_only() -> None:
    running = cf.Running()
    running.confirmed()
    person = running.contestants["12"]
    lab = Client()
    lab.force_login(cf.institution_user(person.institution))
    own = lab.get(f"/api/competitions/contestants/{person.pk}/breakdown").json()
    assert own["stage_numbers"] == {}
    assert own["result"]["total"]
    organiser = Client()
    organiser.force_login(running.organiser)
    full = organiser.get(f"/api/competitions/contestants/{person.pk}/breakdown").json()
    assert full["stage_numbers"]["theory"] == cf.number(person, "theory")
    assert "HX-T00" in organiser.get("/admin/competitions/stagenumber/").content.decode()
    other = Client()
    other.force_login(factories.regulator("12"))
    assert other.get("/admin/competitions/stagenumber/").content.decode().count("HX-T00") == 0
