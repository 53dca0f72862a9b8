"""Enrolment from all five regions and the confidentiality of the participant key."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from ticcoop.proficiency import services
from ticcoop.proficiency.models import Participant
from ticcoop.proficiency.tests import factories as pf
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db
API = "/api/pt"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_institution_users_of_all_five_regions_enrol_their_own_institution() -> None:
    rnd = pf.round_(pf.scheme("13"))
    codes = set()
    for region in pf.REGIONS:
        user = pf.institution_user(factories.institution(region))
        response = post(client_for(user), f"{API}/rounds/{rnd.pk}/enrol", {})
        assert response.status_code == 201, response.content
        codes.add(response.json()["code"])
    assert len(codes) == 5
    assert all(re.fullmatch(r"PT2025-\d{3}", code) for code in codes)
    regions = set(rnd.participants.values_list("institution__region__code", flat=True))
    assert regions == set(pf.REGIONS)


def test_enrolment_rules_for_users_and_regulators() -> None:
    rnd = pf.round_(pf.scheme("11"))
    mine, other = factories.institution("12"), factories.institution("14")
    user = pf.institution_user(mine)
    body = {"institution_credit_code": other.credit_code}
    assert post(client_for(user), f"{API}/rounds/{rnd.pk}/enrol", body).status_code == 403
    assert (
        post(
            client_for(factories.regulator("14")), f"{API}/rounds/{rnd.pk}/enrol", body
        ).status_code
        == 403
    )
    assert (
        post(client_for(pf.organiser("11")), f"{API}/rounds/{rnd.pk}/enrol", body).status_code
        == 201
    )
    twice = post(client_for(pf.organiser("11")), f"{API}/rounds/{rnd.pk}/enrol", body)
    assert twice.status_code == 422 and "已报名" in str(twice.json())
    closed = factories.institution("15", status="closed")
    refused = post(
        client_for(pf.organiser("11")),
        f"{API}/rounds/{rnd.pk}/enrol",
        {"institution_credit_code": closed.credit_code},
    )
    assert refused.status_code == 422


def test_codes_are_drawn_with_secrets_and_widen_for_large_rounds(monkeypatch: Any) -> None:
    from ticcoop.proficiency.services import enrolment

    drawn: list[int] = []

    def fake(n: int) -> int:
        drawn.append(n)
        return 41

    monkeypatch.setattr(enrolment.secrets, "randbelow", fake)
    rnd = pf.round_()
    assert enrolment.new_participant_code(rnd, set()) == "PT2025-042"
    assert drawn == [999]
    assert enrolment.code_digits(332) == 3 and enrolment.code_digits(333) == 4
    assert enrolment.code_digits(1000) == 4


def test_key_is_visible_to_the_organiser_and_the_institution_only() -> None:
    rnd = pf.round_(pf.scheme("11"))
    lab = factories.institution("13", name="保密检测有限公司")
    user = pf.institution_user(lab)
    own = services.enrol(user, rnd, lab)
    pf.enrolled(rnd, 3)
    key = f"{API}/rounds/{rnd.pk}/key"
    assert len(client_for(pf.organiser("11")).get(key).json()) == 4
    assert client_for(user).get(key).json() == [
        {
            "code": own.code,
            "credit_code": lab.credit_code,
            "institution": "保密检测有限公司",
            "region": "13",
        }
    ]
    # the regulator of the institution's own region is not the provider: codes only
    assert client_for(factories.regulator("13")).get(key).json() == []
    assert Client().get(key).status_code == 401
    page = f"/pt/rounds/{rnd.pk}/"
    assert "保密检测有限公司" in client_for(pf.organiser("11")).get(page).content.decode()
    assert "保密检测有限公司" in client_for(user).get(page).content.decode()
    for viewer in (Client(), client_for(factories.regulator("13"))):
        html = viewer.get(page).content.decode()
        assert "保密检测有限公司" not in html and "参加者代码对照" not in html


def test_public_summary_and_report_show_codes_only() -> None:
    rnd, actor = pf.closed_round()
    assert Client().get(f"{API}/rounds/{rnd.pk}/summary").status_code == 404
    services.evaluate_round(actor, rnd)
    assert Client().get(f"{API}/rounds/{rnd.pk}/summary").status_code == 404
    assert client_for(actor).get(f"{API}/rounds/{rnd.pk}/summary").json()["published"] is False
    services.publish_round(actor, rnd, render_report=False)
    body = Client().get(f"{API}/rounds/{rnd.pk}/summary").json()
    codes = {row["code"] for row in body["measurands"][0]["rows"]}
    assert codes == set(Participant.objects.filter(round=rnd).values_list("code", flat=True))
    names = Participant.objects.filter(round=rnd).values_list("institution__name", flat=True)
    text = (
        json.dumps(body, ensure_ascii=False)
        + Client().get(f"/pt/rounds/{rnd.pk}/").content.decode()
    )
    assert not any(name in text for name in names)
