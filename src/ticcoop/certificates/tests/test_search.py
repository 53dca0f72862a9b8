"""Certificate search: one normalised key, kept current on every write path; paging."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client

from ticcoop import listing
from ticcoop.certificates import queries, services
from ticcoop.certificates.scope import ScopeRow
from ticcoop.certificates.search import normalise, search_key, stale_search_keys
from ticcoop.certificates.tests import factories as cf
from ticcoop.registry import services as registry
from ticcoop.testing import factories


def test_key_and_query_are_normalised_alike() -> None:
    key = search_key("251100170001", "91110000X", "北京 SGS 检测", [("铅", "GB/T 5750.6-2023")])
    assert key == "|251100170001|91110000X|北京SGS检测|铅|GB/T5750.6-2023|"
    for typed in ("ＧＢ／Ｔ　５７５０", "gb/t5750.6", "sgs检测", "北京 sgs"):
        assert normalise(typed) in key
    assert normalise("铅|GB") == "铅GB"  # the separator never joins two fields
    assert "|铅GB" not in key
    twice = search_key("N", "C", "名", [("铅", "GB 1"), ("铅", "GB 1")])
    assert twice == "|N|C|名|铅|GB1|"


@pytest.mark.django_db
def test_search_by_number_code_name_parameter_and_standard(client: Client) -> None:
    certificate = cf.certificate("11", name="北京甲检测")
    cf.certificate("15", name="内蒙古乙检测")
    holder = certificate.institution
    for typed in (certificate.number, certificate.number[:8], holder.credit_code.lower(), "甲检测"):
        page = client.get("/certificates/", {"q": typed}).content.decode()
        assert "北京甲检测" in page and "内蒙古乙检测" not in page, typed
    page = client.get("/certificates/", {"q": "ｇｂ／ｔ１７６７１"}).content.decode()
    assert "北京甲检测" in page and "内蒙古乙检测" in page


@pytest.mark.django_db
def test_key_follows_scope_changes_and_holder_renames() -> None:
    certificate = cf.certificate("13", name="旧名称检测")
    hebei = factories.regulator("13")
    services.change_scope(
        hebei, certificate, [ScopeRow("食品", "大米", "镉", "GB 5009.15-2023")], "缩项"
    )
    assert not queries.search_page("浑浊度", "", "", 1, 20).items
    assert queries.search_page("GB5009.15", "", "", 1, 20).items == [certificate]
    holder = certificate.institution
    holder.name = "新名称检测"
    registry.save_institution(hebei, holder)
    assert queries.search_page("新名称", "", "", 1, 20).items == [certificate]
    assert not queries.search_page("旧名称", "", "", 1, 20).items
    assert stale_search_keys() == []


@pytest.mark.django_db
def test_broad_search_pages_in_the_same_order_as_an_exact_one(monkeypatch) -> None:
    made = [cf.certificate(code, name=f"联合检测{code}") for code in ("11", "12", "13", "14", "15")]
    exact = queries.search_page("联合检测", "", "", 1, 10)
    assert exact.count_is_exact and exact.count == 5 and exact.num_pages == 1
    assert {c.pk for c in exact} == {c.pk for c in made}
    monkeypatch.setattr(listing, "EXACT_LIMIT", 2)
    pages = [queries.search_page("联合检测", "", "", number, 2) for number in (1, 2, 3)]
    assert [c.pk for page in pages for c in page] == [c.pk for c in exact]
    assert [p.has_next for p in pages] == [True, True, False]
    assert not pages[0].count_is_exact and pages[0].num_pages is None
    only_hebei = queries.search_page("联合检测", "13", "", 1, 2)
    assert [c.issuing_region.code for c in only_hebei] == ["13"]
    if connection.vendor == "postgresql":  # the planner settings are put back
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == "on"


@pytest.mark.django_db
def test_exact_search_pages_cut_the_listing_order() -> None:
    """An exact search's pages (on PostgreSQL the matches' ids are sorted in the database,
    then each page read by its ids) are the listing's order cut in pages, as rows too."""
    for code in ("11", "12", "13", "14", "15", "11", "13"):
        cf.certificate(code, name=f"精诚检测{code}")
    order = [c.number for c in queries.certificate_listing().filter(search_key__contains="精诚")]
    pages = [queries.search_page("精诚", "", "", number, 3) for number in (1, 2, 3)]
    assert [c.number for page in pages for c in page] == order and len(order) == 7
    rows = [queries.search_page("精诚", "", "", n, 3, rows=True) for n in (1, 2, 3)]
    assert [row["number"] for page in rows for row in page] == order
    assert [p.has_next for p in rows] == [True, True, False] and rows[0].count == 7


@pytest.mark.django_db
def test_search_page_and_api_say_when_the_count_is_a_floor(client: Client, monkeypatch) -> None:
    for code in ("11", "12", "13"):
        cf.certificate(code, name=f"宽泛检测{code}")
    monkeypatch.setattr(listing, "EXACT_LIMIT", 2)
    page = client.get("/certificates/", {"q": "宽泛"}).content.decode()
    assert "超过 2 张证书" in page
    body = client.get("/api/certificates", {"q": "宽泛"}).json()
    assert body["count"] == 2 and body["count_is_exact"] is False and len(body["items"]) == 3
    body = client.get("/api/certificates", {"q": "宽泛检测12"}).json()
    assert body["count"] == 1 and body["count_is_exact"] and body["page"] == 1
    assert body["items"][0]["institution_name"] == "宽泛检测12" and not body["has_next"]


@pytest.mark.django_db
def test_the_derived_search_keys_stay_out_of_the_audit_trail() -> None:
    certificate = cf.certificate("12", name="审计检测")
    tianjin = factories.regulator("12")
    services.change_scope(
        tianjin, certificate, [ScopeRow("食品", "大米", "镉", "GB 5009.15-2023")], "缩项"
    )
    holder = certificate.institution
    holder.name = "审计检测（更名）"
    registry.save_institution(tianjin, holder)
    certificate_changes = LogEntry.objects.get_for_object(certificate).first().changes_dict
    holder_changes = LogEntry.objects.get_for_object(holder).first().changes_dict
    assert "version" in certificate_changes and "search_key" not in certificate_changes
    assert "name" in holder_changes and "search_key" not in holder_changes


@pytest.mark.parametrize("value", ["11230012", "91110000MA0001X", "名称 有空格", "a%b?c#d&e", ""])
def test_table_paths_are_what_reverse_gives(value: str) -> None:
    from django.urls import NoReverseMatch, reverse

    from ticcoop.certificates.rows import path_of

    for name in ("certificates-detail", "institution-detail"):
        try:
            expected = reverse(name, args=[value])
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                path_of(name)(value)
        else:
            assert path_of(name)(value) == expected
