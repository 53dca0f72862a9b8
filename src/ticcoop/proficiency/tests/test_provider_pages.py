"""The provider's pages: item checks with decisions, reference values; result decimals."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ticcoop.proficiency import services
from ticcoop.proficiency.models import (
    CheckDecision,
    ItemCheck,
    Measurand,
    ReferenceValue,
    Result,
    Round,
)
from ticcoop.proficiency.tests import factories as pf
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db

HOMOGENEOUS = [[10.0, 10.02], [10.01, 9.99], [9.98, 10.0], [10.02, 10.01], [10.0, 9.99]]
INHOMOGENEOUS = [[9.0, 9.02], [10.01, 9.99], [11.0, 11.02], [9.5, 9.51], [10.6, 10.58]]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return str(response.content.decode())


def _grid(measurand: Measurand, table: list[list[Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {"form": "homogeneity", "measurand": measurand.pk}
    for i, (first, second) in enumerate(table, start=1):
        data[f"h_{i}_1"], data[f"h_{i}_2"] = first, second
    return data


@pytest.fixture
def provider() -> tuple[Round, Measurand, Client]:
    rnd = pf.round_(pf.scheme("12"))
    return rnd, rnd.scheme.measurands.get(), _client(pf.organiser("12"))


def test_homogeneity_table_is_computed_against_its_criterion(provider: Any) -> None:
    rnd, measurand, client = provider
    url = f"/pt/rounds/{rnd.pk}/checks/"
    assert client.post(url, _grid(measurand, HOMOGENEOUS)).status_code == 302
    check = ItemCheck.objects.get(round=rnd, kind="homogeneity")
    assert check.passed and check.data == HOMOGENEOUS
    # sigma_pt = 5 % of the general mean ≈ 0.5 → criterion 0.3 σ_pt ≈ 0.1500 (B.2.2)
    assert check.result["criterion"] == pytest.approx(0.15, abs=1e-3)
    page = _text(client.get(url))
    assert "0.1500" in page and "g = 5" in page and "通过" in page

    bad = _grid(measurand, [*INHOMOGENEOUS[:2], [10.0, "abc"]]) | {"h_6_1": "10.0"}
    page = _text(client.post(url, bad))
    assert "样品 3 第 2 次测量须为数字" in page
    bad = _grid(measurand, INHOMOGENEOUS) | {"h_6_1": "10.0"}
    assert "样品 6：两次测量结果都要填写" in _text(client.post(url, bad))
    assert ItemCheck.objects.get(pk=check.pk).data == HOMOGENEOUS  # unchanged


def test_failed_checks_need_a_decision_with_a_reason(provider: Any) -> None:
    rnd, measurand, client = provider
    url = f"/pt/rounds/{rnd.pk}/checks/"
    client.post(url, _grid(measurand, INHOMOGENEOUS))
    check = ItemCheck.objects.get(round=rnd, kind="homogeneity")
    assert not check.passed
    page = _text(client.get(url))
    assert "未通过" in page and 'value="widen_sigma"' in page

    decision = {"form": "decision", "check": check.pk, "decision": "widen_sigma"}
    client.post(url, decision | {"reason": ""})
    assert ItemCheck.objects.get(pk=check.pk).decision == ""
    client.post(url, decision | {"reason": "样品不均匀，扩大 σ_pt"})
    check.refresh_from_db()
    assert check.decision == CheckDecision.WIDEN_SIGMA
    assert "扩大 σ_pt：样品不均匀，扩大 σ_pt" in _text(client.get(url))

    stability = {"form": "stability", "measurand": measurand.pk}
    page = _text(client.post(url, stability | {"before": "10.0 abc", "after": "10.4"}))
    assert "之前的结果第 2 个值“abc”不是数字" in page
    client.post(url, stability | {"before": "10.0, 10.02, 9.98", "after": "10.4 10.42 10.38"})
    failed = ItemCheck.objects.get(round=rnd, kind="stability")
    assert not failed.passed and failed.result["difference"] == pytest.approx(0.4)
    # Widening sigma_pt is no remedy for instability: only accept or include in u(x_pt).
    choose = {"form": "decision", "check": failed.pk, "reason": "计入 u_stab"}
    client.post(url, choose | {"decision": "widen_sigma"})
    assert ItemCheck.objects.get(pk=failed.pk).decision == ""
    client.post(url, choose | {"decision": "include_u"})
    assert ItemCheck.objects.get(pk=failed.pk).decision == CheckDecision.INCLUDE_U


def test_provider_pages_are_for_the_organising_region_only(provider: Any) -> None:
    rnd, measurand, _ = provider
    for user in (factories.regulator("11"), pf.institution_user(factories.institution("12"))):
        client = _client(user)
        for page in ("checks", "references"):
            assert client.get(f"/pt/rounds/{rnd.pk}/{page}/").status_code == 403
        response = client.post(f"/pt/rounds/{rnd.pk}/checks/", _grid(measurand, HOMOGENEOUS))
        assert response.status_code == 403
    assert Client().get(f"/pt/rounds/{rnd.pk}/checks/").status_code == 302
    assert not ItemCheck.objects.exists()


def test_reference_values_follow_the_schemes_design() -> None:
    client = _client(pf.organiser("13"))
    consensus = pf.round_(pf.scheme("13"))
    page = _text(client.get(f"/pt/rounds/{consensus.pk}/references/"))
    assert "不需要参考值" in page and 'name="value"' not in page

    certified = pf.round_(pf.scheme("13", x_pt_method="certified"))
    lead = certified.scheme.measurands.get()
    url = f"/pt/rounds/{certified.pk}/references/"
    form = {"measurand": lead.pk, "value": "10.2", "uncertainty": "-0.1", "k": "2"}
    assert "扩展不确定度 U" in _text(client.post(url, form))
    assert not ReferenceValue.objects.exists()
    client.post(url, form | {"uncertainty": "0.2"})
    ref = ReferenceValue.objects.get(round=certified)
    assert (ref.value, ref.uncertainty, ref.k) == (10.2, 0.2, 2.0)

    experts = pf.round_(pf.scheme("13", x_pt_method="expert"))
    lead = experts.scheme.measurands.get()
    url = f"/pt/rounds/{experts.pk}/references/"
    page = _text(client.post(url, {"measurand": lead.pk, "expert_results": "10.1, 10.2 abc"}))
    assert "专家实验室结果第 3 个值“abc”不是数字" in page
    response = client.post(url, {"measurand": lead.pk, "expert_results": "10.1"}, follow=True)
    assert "专家实验室结果至少需要 2 个" in _text(response)
    client.post(url, {"measurand": lead.pk, "expert_results": "10.1 10.2\n9.9"})
    assert ReferenceValue.objects.get(round=experts).expert_results == [10.1, 10.2, 9.9]


def test_reference_values_are_locked_after_evaluation() -> None:
    rnd, actor = pf.closed_round(x_pt_method="formulation")
    lead = rnd.scheme.measurands.get()
    services.set_reference(actor, rnd, lead, value=10.0, uncertainty=0.05)
    services.evaluate_round(actor, rnd)
    client = _client(actor)
    url = f"/pt/rounds/{rnd.pk}/references/"
    page = _text(client.get(url))
    assert "已评价，不能再修改参考值" in page and 'name="value"' not in page
    response = client.post(url, {"measurand": lead.pk, "value": "11", "uncertainty": "0.1"})
    assert "评价后不能修改参考值" in _text(response)
    assert ReferenceValue.objects.get(round=rnd).value == 10.0


def test_web_form_enforces_the_measurands_decimals() -> None:
    rnd = pf.round_(pf.scheme("14", measurands=2))
    institution = factories.institution("11")
    user = pf.institution_user(institution)
    participant = services.enrol(user, rnd, institution)
    services.dispatch_items(pf.organiser("14"), rnd)
    lead, cadmium = rnd.scheme.measurands.all()
    Measurand.objects.filter(pk=cadmium.pk).update(decimals=0)
    client = _client(user)
    url = f"/pt/rounds/{rnd.pk}/results/"
    assert "最多 2 位小数" in _text(client.get(url))
    form = {f"value_{lead.pk}": "10.123", f"value_{cadmium.pk}": "<0.5"}
    page = _text(client.post(url, form, follow=True))
    assert "“铅”的结果：“10.123”最多 2 位小数" in page
    assert "“镉”的结果：“&lt;0.5”须为整数" in page
    assert not Result.objects.exists()
    client.post(url, {f"value_{lead.pk}": "10.12", f"value_{cadmium.pk}": "<1"})
    assert Result.objects.filter(participant=participant).count() == 2
    # Files may carry spreadsheet float digits: the precision rule is for typed results.
    services.upload_results(user, participant, "r.csv", "测量项目,结果\n铅,10.125\n".encode())
    assert Result.objects.filter(measurand=lead).latest("version").reported == "10.125"
