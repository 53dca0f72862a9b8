from __future__ import annotations

import pytest
from django.test import Client

from ticcoop import listing
from ticcoop.testing import factories
from ticcoop.web import views

pytestmark = pytest.mark.django_db


def test_home_page_is_chinese_and_links_to_search_and_login(client: Client) -> None:
    page = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "华北五地检验检测认证区域合作平台" in page
    assert 'href="/institutions/"' in page
    assert 'href="/login/"' in page


def test_english_can_be_switched_on(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "North China TIC Cooperation Platform" in page


def test_search_finds_by_name_and_credit_code_and_paginates(client: Client) -> None:
    wanted = factories.institution("14", name="太原精准检测有限公司")
    for _ in range(25):
        factories.institution("14")
    by_name = client.get("/institutions/", {"q": "精准"})
    assert list(by_name.context["page"]) == [wanted]
    by_code = client.get("/institutions/", {"q": wanted.credit_code.lower()})
    assert list(by_code.context["page"]) == [wanted]
    second = client.get("/institutions/", {"region": "14", "page": 2})
    assert second.context["page"].number == 2
    assert len(second.context["page"]) == 6


def test_search_finds_by_address_and_a_broad_term_pages_in_listing_order(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [factories.institution(code, address="迎泽大街8号") for code in ("15", "11", "13")]
    factories.institution("12", address="别处")
    exact = client.get("/institutions/", {"q": "迎泽大街"}).context["page"]
    assert exact.count_is_exact and exact.count == 3
    assert [i.region.code for i in exact] == ["11", "13", "15"]
    monkeypatch.setattr(listing, "EXACT_LIMIT", 1)
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    pages = [client.get("/institutions/", {"q": "迎泽大街", "page": n}) for n in (1, 2, 3)]
    assert [next(iter(page.context["page"])) for page in pages] == list(exact)
    assert "超过 1 家机构" in pages[0].content.decode()
    assert "第 2 页" in pages[1].content.decode() and "下一页" in pages[1].content.decode()
    assert sorted(i.pk for i in exact) == sorted(i.pk for i in made)
    body = client.get("/api/institutions", {"q": "迎泽大街", "page": 3}).json()
    assert body["count_is_exact"] is False and body["page"] == 3 and not body["has_next"]


def test_a_renamed_institution_is_found_by_its_new_name(client: Client) -> None:
    institution = factories.institution("13", name="旧名检测有限公司")
    institution.name = "新名检测有限公司"
    institution.save()
    assert list(client.get("/institutions/", {"q": "新名"}).context["page"]) == [institution]
    assert not list(client.get("/institutions/", {"q": "旧名"}).context["page"])


def test_institution_page_shows_the_record(client: Client) -> None:
    institution = factories.institution("15", name="包头测试检测有限公司")
    page = client.get(f"/institutions/{institution.credit_code}/").content.decode()
    assert "包头测试检测有限公司" in page
    assert "内蒙古自治区" in page


def test_admin_speaks_chinese(admin_client: Client) -> None:
    page = admin_client.get("/admin/").content.decode()
    assert "管理后台" in page
    assert "检验检测机构" in page


def test_admin_search_and_filters_work(admin_client: Client) -> None:
    institution = factories.institution("12", name="天津滨海检测有限公司")
    listing = admin_client.get(
        "/admin/registry/institution/", {"q": "滨海", "region__id__exact": institution.region_id}
    )
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [institution]


def test_every_model_is_registered_in_the_admin() -> None:
    from django.apps import apps
    from django.contrib import admin

    platform_models = [m for m in apps.get_models() if m.__module__.startswith("ticcoop.")]
    missing = [m.__name__ for m in platform_models if m not in admin.site._registry]
    assert missing == []


def test_api_serves_openapi_and_docs(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/institutions" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_api_lists_with_search_and_pages(client: Client) -> None:
    wanted = factories.institution("11", name="北京唯一检测有限公司")
    factories.institution("11")
    body = client.get("/api/institutions", {"q": "唯一"}).json()
    assert body["count"] == 1
    assert body["items"][0]["credit_code"] == wanted.credit_code


def test_api_root_leads_to_the_docs(client: Client) -> None:
    response = client.get("/api/")
    assert response.status_code == 302
    assert response["Location"] == "/api/docs"


def test_chinese_is_the_default_whatever_the_browser_asks(client: Client) -> None:
    page = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in page


def test_search_words_are_anded_and_a_region_name_filters(client: Client) -> None:
    """ "北京 食品" finds Beijing's food labs (issue 13): words AND-ed, region names filter."""
    factories.institution("11", name="北京食品检测中心")
    factories.institution("11", name="北京建材检测中心")
    factories.institution("13", name="河北食品检测中心")
    page = client.get("/institutions/", {"q": "北京 食品"}).content.decode()
    assert "北京食品检测中心" in page
    assert "北京建材检测中心" not in page and "河北食品检测中心" not in page
    page = client.get("/institutions/", {"q": "食品 检测"}).content.decode()
    assert "北京食品检测中心" in page and "河北食品检测中心" in page
    assert "北京建材检测中心" not in page
