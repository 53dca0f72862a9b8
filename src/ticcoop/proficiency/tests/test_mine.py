"""我的能力验证: rounds, letters, history and drift warning of a lab; the regulator's list."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ticcoop.proficiency.tests import factories as pf
from ticcoop.testing import factories, otp

pytestmark = pytest.mark.django_db

# x_pt ≈ 10, sigma_pt = 5 % of x_pt ≈ 0.5: the lab's z ≈ 0.7, 1.1, 2.1, 2.3 (R1 and R3 fire)
DRIFTING = ["10.4", "10.6", "11.1", "11.2"]


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    otp.verify_session(client, user)
    return client


def test_lab_page_shows_letters_history_chart_and_drift_warning() -> None:
    lab, rounds = pf.lab_with_history(DRIFTING)
    page = login(pf.institution_user(lab)).get("/pt/mine/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "drift-warning" in html
    assert html.count('class="letter"') == len(rounds)
    for rnd in rounds:
        code = rnd.participants.get(institution=lab).code
        assert f"/pt/rounds/{rnd.pk}/letters/{code}.pdf" in html
    assert html.count("<circle") == len(rounds)  # one point per round in the z chart
    assert 'role="img"' in html and "<svg" in html
    history = page.context["histories"][0][0]
    assert [round(z, 1) for z in history.stats.z] == [0.7, 1.1, 2.1, 2.3]
    assert {s.rule for s in history.stats.warning} == {"two-beyond-2", "cusum"}
    # no inline style or script in what this page adds (strict CSP)
    assert "style=" not in page.context["histories"][0][1]


def test_steady_lab_has_history_without_warning() -> None:
    lab, _ = pf.lab_with_history(["10.1", "9.8", "10.2"])
    page = login(pf.institution_user(lab)).get("/pt/mine/")
    assert "drift-warning" not in page.content.decode()
    assert len(page.context["histories"]) == 1


def test_other_lab_sees_none_of_it_and_regulators_have_no_lab_page() -> None:
    pf.lab_with_history(DRIFTING[:2])
    other = pf.institution_user(factories.institution("11"))
    page = login(other).get("/pt/mine/")
    assert page.status_code == 200
    assert page.context["histories"] == [] and page.context["published"] == []
    assert login(factories.regulator("11")).get("/pt/mine/").status_code == 403


def test_regulators_list_shows_drifting_labs_of_their_region_only() -> None:
    lab, _ = pf.lab_with_history(DRIFTING)
    own = login(factories.regulator("11")).get("/pt/actions/?show=all")
    assert [h.institution for h in own.context["drifting"]] == [lab]
    assert lab.name in own.content.decode()
    elsewhere = login(factories.regulator("12")).get("/pt/actions/?show=all")
    assert elsewhere.context["drifting"] == []


def test_open_rounds_in_the_labs_fields() -> None:
    lab, _ = pf.lab_with_history(DRIFTING[:1])
    same_field = pf.round_(pf.scheme("12", field="食品"))
    other_field = pf.round_(pf.scheme("13", field="建材"))
    page = login(pf.institution_user(lab)).get("/pt/mine/")
    shown = list(page.context["open_rounds"])
    assert same_field in shown and other_field not in shown
