"""Region scoping of writes: a Hebei regulator cannot touch Beijing records anywhere."""

from __future__ import annotations

import pytest
from django.test import Client

from ticcoop.accounts.roles import Role
from ticcoop.registry.models import Institution
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def hebei_client() -> Client:
    client = Client()
    client.force_login(factories.regulator("13"))
    return client


def institution_form(region_id: int, credit_code: str, name: str = "新机构") -> dict[str, str]:
    return {
        "credit_code": credit_code,
        "name": name,
        "region": str(region_id),
        "address": "地址",
        "legal_representative": "",
        "contact_person": "",
        "contact_phone": "",
        "status": "operating",
        "risk_class": "B",
        # the admin's inline of sites posts its (empty) management form
        "sites-TOTAL_FORMS": "0",
        "sites-INITIAL_FORMS": "0",
    }


# --- admin -----------------------------------------------------------------------------------


def test_admin_refuses_creating_a_beijing_record(hebei_client: Client) -> None:
    code = factories.credit_code("11")
    form = institution_form(factories.region("11").pk, code)
    response = hebei_client.post("/admin/registry/institution/add/", form)
    assert response.status_code == 200  # the form comes back with the region refused
    assert not Institution.objects.filter(credit_code=code).exists()


def test_admin_refuses_changing_a_beijing_record(hebei_client: Client) -> None:
    beijing = factories.institution("11", name="北京原名")
    form = institution_form(beijing.region_id, beijing.credit_code, name="被改名")
    response = hebei_client.post(f"/admin/registry/institution/{beijing.pk}/change/", form)
    assert response.status_code == 403
    beijing.refresh_from_db()
    assert beijing.name == "北京原名"


def test_admin_refuses_moving_own_record_to_beijing(hebei_client: Client) -> None:
    hebei = factories.institution("13", name="河北机构")
    form = institution_form(factories.region("11").pk, hebei.credit_code)
    hebei_client.post(f"/admin/registry/institution/{hebei.pk}/change/", form)
    hebei.refresh_from_db()
    assert hebei.region.code == "13"


def test_admin_refuses_deleting_a_beijing_record(hebei_client: Client) -> None:
    beijing = factories.institution("11")
    url = f"/admin/registry/institution/{beijing.pk}/delete/"
    response = hebei_client.post(url, {"post": "yes"})
    assert response.status_code == 403
    assert Institution.objects.filter(pk=beijing.pk).exists()


def test_admin_bulk_delete_action_skips_nothing_silently(hebei_client: Client) -> None:
    beijing = factories.institution("11")
    response = hebei_client.post(
        "/admin/registry/institution/",
        {"action": "delete_selected", "_selected_action": [beijing.pk], "post": "yes"},
    )
    assert response.status_code in {302, 403}
    assert Institution.objects.filter(pk=beijing.pk).exists()


def test_admin_lets_a_regulator_change_own_region(hebei_client: Client) -> None:
    hebei = factories.institution("13")
    form = institution_form(hebei.region_id, hebei.credit_code, name="河北新名")
    response = hebei_client.post(f"/admin/registry/institution/{hebei.pk}/change/", form)
    assert response.status_code == 302
    hebei.refresh_from_db()
    assert hebei.name == "河北新名"


def test_admin_shows_other_regions_read_only(hebei_client: Client) -> None:
    beijing = factories.institution("11")
    response = hebei_client.get(f"/admin/registry/institution/{beijing.pk}/change/")
    assert response.status_code == 200
    assert 'name="name"' not in response.content.decode()


# --- pages -----------------------------------------------------------------------------------


def test_page_refuses_editing_a_beijing_record(hebei_client: Client) -> None:
    beijing = factories.institution("11", name="北京原名")
    form = institution_form(beijing.region_id, beijing.credit_code, name="被改名")
    response = hebei_client.post(f"/institutions/{beijing.credit_code}/edit/", form)
    assert response.status_code == 403
    beijing.refresh_from_db()
    assert beijing.name == "北京原名"


def test_page_refuses_creating_a_beijing_record(hebei_client: Client) -> None:
    code = factories.credit_code("11")
    response = hebei_client.post(
        "/institutions/new/", institution_form(factories.region("11").pk, code)
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Institution.objects.filter(credit_code=code).exists()


def test_page_refuses_deleting_a_beijing_record(hebei_client: Client) -> None:
    beijing = factories.institution("11")
    response = hebei_client.post(f"/institutions/{beijing.credit_code}/delete/")
    assert response.status_code == 403
    assert Institution.objects.filter(pk=beijing.pk).exists()


def test_page_lets_a_regulator_create_in_own_region(hebei_client: Client) -> None:
    code = factories.credit_code("13")
    response = hebei_client.post(
        "/institutions/new/", institution_form(factories.region("13").pk, code, "河北新机构")
    )
    assert response.status_code == 302
    assert Institution.objects.get(credit_code=code).name == "河北新机构"


# --- API -------------------------------------------------------------------------------------


def api_body(region_code: str, credit_code: str) -> dict[str, str]:
    return {"credit_code": credit_code, "name": "接口机构", "region_code": region_code}


def test_api_refuses_creating_a_beijing_record(hebei_client: Client) -> None:
    code = factories.credit_code("11")
    response = hebei_client.post(
        "/api/institutions", api_body("11", code), content_type="application/json"
    )
    assert response.status_code == 403
    assert not Institution.objects.filter(credit_code=code).exists()


def test_api_refuses_changing_a_beijing_record(hebei_client: Client) -> None:
    beijing = factories.institution("11", name="北京原名")
    response = hebei_client.patch(
        f"/api/institutions/{beijing.credit_code}",
        {"name": "被改名"},
        content_type="application/json",
    )
    assert response.status_code == 403
    beijing.refresh_from_db()
    assert beijing.name == "北京原名"


def test_api_refuses_moving_own_record_to_beijing(hebei_client: Client) -> None:
    hebei = factories.institution("13")
    response = hebei_client.patch(
        f"/api/institutions/{hebei.credit_code}",
        {"region_code": "11"},
        content_type="application/json",
    )
    assert response.status_code == 403
    hebei.refresh_from_db()
    assert hebei.region.code == "13"


def test_api_refuses_deleting_a_beijing_record(hebei_client: Client) -> None:
    beijing = factories.institution("11")
    response = hebei_client.delete(f"/api/institutions/{beijing.credit_code}")
    assert response.status_code == 403
    assert Institution.objects.filter(pk=beijing.pk).exists()


def test_api_lets_a_regulator_write_own_region(hebei_client: Client) -> None:
    code = factories.credit_code("13")
    created = hebei_client.post(
        "/api/institutions", api_body("13", code), content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["region_code"] == "13"
    deleted = hebei_client.delete(f"/api/institutions/{code}")
    assert deleted.status_code == 204
    assert not Institution.objects.filter(credit_code=code).exists()


def test_api_writes_need_a_login() -> None:
    beijing = factories.institution("11")
    response = Client().delete(f"/api/institutions/{beijing.credit_code}")
    assert response.status_code == 401


@pytest.mark.parametrize("role", [Role.NATIONAL_OBSERVER, Role.INSTITUTION_USER, Role.INSPECTOR])
def test_only_regulators_write(role: Role) -> None:
    client = Client()
    client.force_login(factories.user(role, "11"))
    beijing = factories.institution("11")
    response = client.delete(f"/api/institutions/{beijing.credit_code}")
    assert response.status_code == 403
    assert Institution.objects.filter(pk=beijing.pk).exists()


def test_api_rejects_an_invalid_credit_code_with_the_reason(hebei_client: Client) -> None:
    code = factories.credit_code("13")
    broken = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = hebei_client.post(
        "/api/institutions", api_body("13", broken), content_type="application/json"
    )
    assert response.status_code == 422
    assert "credit_code" in response.json()["errors"]
    assert code[-1] in response.json()["errors"]["credit_code"][0]


def test_admin_refuses_adding_a_site_to_a_beijing_institution(hebei_client: Client) -> None:
    beijing = factories.institution("11")
    response = hebei_client.post(
        "/admin/registry/institutionsite/add/",
        {"institution": beijing.pk, "region": factories.region("13").pk, "address": "石家庄"},
    )
    assert response.status_code == 403
    assert not beijing.sites.exists()


def test_admin_inline_rows_are_scoped_and_saved_through_services(hebei_client: Client) -> None:
    hebei = factories.institution("13")
    form = institution_form(hebei.region_id, hebei.credit_code, name=hebei.name)
    form.update(
        {
            "sites-TOTAL_FORMS": "1",
            "sites-0-region": str(factories.region("11").pk),
            "sites-0-address": "北京分场所",
        }
    )
    response = hebei_client.post(f"/admin/registry/institution/{hebei.pk}/change/", form)
    assert response.status_code == 302
    assert list(hebei.sites.values_list("address", flat=True)) == ["北京分场所"]


def test_credit_code_errors_are_chinese_sentences() -> None:
    """methods.ids reports codes; the page says "应为18位，实为3位", not "length 3, expected 18"
    (issue 13)."""
    from django.core.exceptions import ValidationError

    from ticcoop.registry.validators import validate_credit_code_field

    wrong = {
        "ABC": "应为18位，实为3位",
        "91110000I00000000X": "不使用 I、O、Z、S、V",
        "91990000000000000X": "不是省级行政区划代码",
    }
    for code, sentence in wrong.items():
        with pytest.raises(ValidationError) as info:
            validate_credit_code_field(code)
        assert sentence in info.value.messages[0] and "expected" not in info.value.messages[0]
    good = factories.credit_code("13")
    with pytest.raises(ValidationError, match="第18位校验码应为"):
        validate_credit_code_field(good[:17] + ("0" if good[17] != "0" else "1"))
