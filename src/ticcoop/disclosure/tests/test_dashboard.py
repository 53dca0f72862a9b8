"""监管数据: the public comparison, open data and the scoped region page, against known rows."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ticcoop.accounts.roles import Role
from ticcoop.disclosure.tests import factories as df
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db

HEBEI = {
    "institutions": {"total": 3, "operating": 2, "suspended": 1, "closed": 0}
    | {"risk_A": 1, "risk_B": 0, "risk_C": 1, "risk_D": 1},
    "certificates": {"valid": 2, "suspended": 1, "revoked": 0, "expired": 1, "expiring": 1},
    "assessments": {"planned": 1, "concluded": 1, "passed": 1, "nc_open": 2, "nc_overdue": 1},
    "proficiency": {"rounds_published": 0, "scores": 3, "actions_open": 1, "actions_overdue": 1}
    | {"share_satisfactory": 0.6667, "share_questionable": 0.3333, "share_unsatisfactory": 0.0},
    "supervision": {"batches_drawn": 1, "tasks": 3, "tasks_done": 1}
    | {"results_on_time": 1, "results_late": 1, "results_overdue": 1},
    "inspections": {"findings": 3, "open": 2, "overdue": 1, "accepted": 1}
    | {"rectification_rate": 0.3333},
    "competitions": {"held": 1, "results_published": 1},
}
BEIJING = {
    "institutions": {"total": 1, "risk_B": 1},
    "certificates": {"revoked": 1, "valid": 0},
    "proficiency": {"rounds_published": 1, "scores": 1, "share_unsatisfactory": 1.0}
    | {"actions_open": 1, "actions_overdue": 0},
    "supervision": {"batches_drawn": 0, "tasks": 1},
    "inspections": {"findings": 0, "rectification_rate": None},
}


@pytest.fixture
def world() -> dict[str, Any]:
    return df.world()


def values(payload: dict[str, Any], region: str) -> dict[str, dict[str, Any]]:
    return {
        table["key"]: next(r["values"] for r in table["rows"] if r["region_code"] == region)
        for table in payload["tables"]
    }


def test_open_data_json_equals_the_created_rows(client: Client, world: dict[str, Any]) -> None:
    payload = client.get(reverse("disclosure-dashboard-data", args=["json"])).json()
    assert payload["year"] == timezone.localdate().year and payload["generated_at"]
    assert [(r["code"], r["name_zh"]) for r in payload["regions"]][2] == ("13", "河北省")
    for region, expected in (("13", HEBEI), ("11", BEIJING)):
        found = values(payload, region)
        for table, figures in expected.items():
            assert {k: found[table][k] for k in figures} == figures, (region, table)
    assert values(payload, "14")["proficiency"]["share_satisfactory"] is None
    api = client.get("/api/public/dashboard").json()
    assert values(api, "13") == values(payload, "13")
    assert client.get("/api/public/dashboard", {"year": 1900}).status_code == 422


def test_figures_come_from_a_fixed_number_of_queries(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    df.world()  # twice the rows: the same queries
    with django_assert_max_num_queries(18):
        client.get(reverse("disclosure-dashboard-data", args=["json"]))


def test_year_parameter_selects_the_flow_figures(client: Client, world: dict[str, Any]) -> None:
    last = timezone.localdate().year - 1
    url = reverse("disclosure-dashboard-data", args=["json"])
    found = values(client.get(url, {"year": last}).json(), "13")
    assert found["assessments"]["planned"] == 1  # the other assessment
    assert found["supervision"]["batches_drawn"] == 0 and found["competitions"]["held"] == 0
    assert found["institutions"]["total"] == 3  # a stock: the same in every year
    bad = client.get(reverse("disclosure-dashboard"), {"year": "20x6"})
    assert bad.status_code == 400 and "year" in bad.content.decode()


def test_csv_files(client: Client, world: dict[str, Any]) -> None:
    long = client.get(reverse("disclosure-dashboard-data", args=["csv"]))
    assert long.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel (issue 13)
    rows = list(csv.DictReader(io.StringIO(long.content.decode("utf-8-sig"))))
    total = {(r["table"], r["metric"], r["region_code"]): r for r in rows if r["region_name_zh"]}[
        ("certificates", "expiring", "13")
    ]
    assert total["value"] == "1" and total["region_name_zh"] == "河北省" and total["generated_at"]
    wide = client.get(reverse("disclosure-dashboard-table", args=["inspections"]))
    table = list(csv.DictReader(io.StringIO(wide.content.decode("utf-8-sig"))))
    assert [r["region_code"] for r in table] == ["11", "12", "13", "14", "15"]
    assert table[2]["overdue"] == "1" and table[2]["rectification_rate"] == "0.3333"
    assert table[0]["rectification_rate"] == ""
    assert client.get(reverse("disclosure-dashboard-table", args=["people"])).status_code == 404


def test_public_page_is_aggregate_only(client: Client, world: dict[str, Any]) -> None:
    page = client.get(reverse("disclosure-dashboard"))
    html = page.content.decode()
    assert page.status_code == 200 and html.count("<svg") >= 7
    assert 'data-table="certificates"' in html and "66.7%" in html  # PT share in the table
    for lab in world["institutions"]:
        assert lab.name not in html and lab.credit_code not in html
    assert "P000" not in html and reverse("disclosure-dashboard-region") not in html
    assert "监管数据" in client.get(reverse("home")).content.decode()  # the nav link


def test_region_page_is_scoped(client: Client, world: dict[str, Any]) -> None:
    url = reverse("disclosure-dashboard-region")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(world["regulator"])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "河北省" in html
    lab = world["institutions"][0]  # expiring certificate, overdue nonconformity and finding
    # Each to-do row links to its record (issue 13): the first cell is the link.
    assert 'id="list-findings"' in html and html.count(f">{lab.name}</") == 3
    assert '<td><a href="/inspections/findings/' in html
    assert client.get(url, {"region": "11"}).status_code == 403
    assert client.get(url, {"region": "13"}).status_code == 200
    client.force_login(factories.user(Role.INSTITUTION_USER, "13"))
    assert client.get(url).status_code == 403


def test_observer_picks_any_region(client: Client, world: dict[str, Any]) -> None:
    client.force_login(factories.user(Role.NATIONAL_OBSERVER))
    url = reverse("disclosure-dashboard-region")
    beijing = client.get(url, {"region": "11"}).content.decode()
    assert "北京市（11）" in beijing and world["institutions"][3].name not in beijing
    assert world["institutions"][0].name in client.get(url, {"region": "13"}).content.decode()
    assert client.get(url, {"region": "99"}).status_code == 404
