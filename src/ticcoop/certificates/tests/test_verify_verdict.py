"""The verify page leads with one verdict that cannot be misread (issue 13), and the PDF of a
certificate that is no longer valid says so on every page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ticcoop.certificates import services
from ticcoop.certificates.models import Certificate
from ticcoop.certificates.pdf import render_certificate_pdf
from ticcoop.certificates.tests import factories as cf
from ticcoop.testing import factories
from ticcoop.testing.pdftext import drawn_texts

pytestmark = pytest.mark.django_db


def verdict_of(page: str) -> str:
    """The verdict heading, which must come before any other statement about the certificate."""
    match = re.search(r'<h2 id="verdict-title">(.*?)</h2>', page, re.S)
    assert match, page
    body = page[page.index("<main") :]
    assert body.index('id="verdict"') < body.index("</h1>") + 200
    return match.group(1).strip(" ✔✖\n")


def test_genuine_token_reads_valid_with_chinese_labels(client: Client) -> None:
    certificate = cf.certificate("11")
    token = certificate.versions.get().token
    page = client.get(f"/verify/{certificate.number}/", {"t": token}).content.decode()
    assert verdict_of(page) == "真实有效"
    assert "统一社会信用代码" in page and "能力范围摘要（SHA-256）" in page
    for claim_key in ('<th scope="row">ucc', '<th scope="row">expires', "<dt>scope"):
        assert claim_key not in page
    assert "如何离线核验" in page and "ticcoop-keys.json" in page


def test_forged_token_never_reads_valid_first(client: Client) -> None:
    certificate = cf.certificate("13")
    token = certificate.versions.get().token
    payload = token.split(".")[2]
    changed = payload[:5] + ("A" if payload[5] != "A" else "B") + payload[6:]
    forged = ".".join([*token.split(".")[:2], changed, token.split(".")[3]])
    page = client.get(f"/verify/{certificate.number}/", {"t": forged}).content.decode()
    assert verdict_of(page) == "签名无效（可能伪造）"
    assert "当前状态：有效" not in page and "真实有效" not in page
    assert "内容在签发后被改动过" in page or "格式正确" in page


@pytest.mark.parametrize(
    ("action", "verdict"),
    [
        (services.revoke_certificate, "证书已撤销"),
        (services.suspend_certificate, "证书已暂停"),
        (services.cancel_certificate, "证书已注销"),
    ],
)
def test_status_verdicts(client: Client, action, verdict: str) -> None:  # type: ignore[no-untyped-def]
    certificate = cf.certificate("12")
    printed = certificate.versions.get().token
    action(factories.regulator("12"), certificate, "监督检查发现问题")
    for query in ({"t": printed}, {}):
        page = client.get(f"/verify/{certificate.number}/", query).content.decode()
        assert verdict_of(page) == verdict and "监督检查发现问题" in page


def test_expired_verdict(client: Client) -> None:
    certificate = cf.certificate("14")
    yesterday = timezone.localdate() - timedelta(days=1)
    Certificate.objects.filter(pk=certificate.pk).update(expiry_date=yesterday)
    page = client.get(f"/verify/{certificate.number}/").content.decode()
    assert verdict_of(page) == "证书已过期"


def test_superseded_verdict_for_an_old_printed_version(client: Client) -> None:
    certificate = cf.certificate("15")
    printed = certificate.versions.get().token
    rows = services.scope_of(certificate)[:1]
    services.change_scope(factories.regulator("15"), certificate, rows, "缩小范围")
    page = client.get(f"/verify/{certificate.number}/", {"t": printed}).content.decode()
    assert verdict_of(page) == "版本已被替代"
    assert "与当前记录不同" in page


def test_unknown_number_verdict(client: Client) -> None:
    response = client.get("/verify/130317009999/")
    assert response.status_code == 404
    assert verdict_of(response.content.decode()) == "证书编号不存在"


@pytest.mark.parametrize(
    ("action", "mark"),
    [
        (services.revoke_certificate, "已撤销"),
        (services.suspend_certificate, "已暂停"),
    ],
)
def test_pdf_of_a_certificate_no_longer_valid_carries_a_watermark(action, mark: str) -> None:  # type: ignore[no-untyped-def]
    certificate = cf.certificate("13")
    assert mark not in _watermark_text(render_certificate_pdf(certificate))
    action(factories.regulator("13"), certificate, "出具虚假报告")
    certificate.refresh_from_db()
    text = _watermark_text(render_certificate_pdf(certificate))
    assert mark in text and "以核验页面为准" in text


def test_pdf_of_an_expired_or_superseded_version_carries_a_watermark() -> None:
    certificate = cf.certificate("11")
    old = certificate.versions.get()
    services.change_scope(
        factories.regulator("11"), certificate, services.scope_of(certificate)[:1], "缩小"
    )
    certificate.refresh_from_db()
    assert "已被替代" in _watermark_text(render_certificate_pdf(certificate, old))
    assert "已被替代" not in _watermark_text(render_certificate_pdf(certificate))
    Certificate.objects.filter(pk=certificate.pk).update(
        expiry_date=timezone.localdate() - timedelta(days=1)
    )
    certificate.refresh_from_db()
    assert "已过期" in _watermark_text(render_certificate_pdf(certificate))


def _watermark_text(body: bytes) -> str:
    return "\n".join(drawn_texts(body))


def _facts(page: str) -> dict[str, list[str]]:
    table = page[page.index('id="facts"') : page.index("</table>", page.index('id="facts"'))]
    rows = re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
    return {label: re.findall(r"<td>(.*?)</td>", cells, re.S) for label, cells in rows}


def test_facts_show_the_record_and_its_current_version_read_in_one_query(
    client: Client, django_assert_num_queries: Any
) -> None:
    certificate = cf.certificate("11")
    services.change_scope(
        factories.regulator("11"), certificate, services.scope_of(certificate)[:1], "缩小"
    )
    certificate.refresh_from_db()
    current = certificate.versions.get(number=certificate.version)
    with django_assert_num_queries(2):  # the record (with its version) and the key set
        page = client.get(f"/verify/{certificate.number}/", {"t": current.token}).content.decode()
    facts = _facts(page)
    assert facts["发证地区"][-1] == certificate.issuing_region.name_zh  # type: ignore[union-attr]
    assert facts["统一社会信用代码"][-1] == certificate.institution.credit_code
    assert facts["能力范围摘要（SHA-256）"] == [current.scope_digest, current.scope_digest]
    assert facts["版本"] == ["第2版", "第2版"]
    client.cookies["django_language"] = "en"
    english = _facts(client.get(f"/verify/{certificate.number}/").content.decode())
    assert certificate.issuing_region.name_en in str(english)  # type: ignore[union-attr]


def test_facts_of_a_national_certificate_without_its_version_row(client: Client) -> None:
    certificate = cf.certificate("11")
    certificate.versions.all().delete()  # a record whose current version row is missing
    Certificate.objects.filter(pk=certificate.pk).update(issuing_region=None)
    facts = _facts(client.get(f"/verify/{certificate.number}/").content.decode())
    assert facts["发证地区"] == ["国家认监委"]
    assert facts["机构名称"] == [certificate.institution.name]
    assert facts["发证日期"] == [""] and facts["能力范围摘要（SHA-256）"] == [""]
