"""Pages, API and admin: public reads for every region, region-scoped writes, verification."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ticcoop.accounts.roles import Role
from ticcoop.certificates import services
from ticcoop.certificates.models import Certificate
from ticcoop.certificates.schemas import CertificateOut, CertificateVerifyOut
from ticcoop.certificates.tables import write_csv
from ticcoop.certificates.tests import factories as cf
from ticcoop.jobs.models import Job
from ticcoop.registry.models import Institution
from ticcoop.testing import factories
from ticcoop.trust import services as trust

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- public pages ---------------------------------------------------------------------------


def test_search_by_number_parameter_and_standard_across_regions(client: Client) -> None:
    beijing = cf.certificate("11", name="北京甲检测")
    cf.certificate("15", name="内蒙古乙检测")
    page = client.get("/certificates/", {"q": beijing.number}).content.decode()
    assert "北京甲检测" in page and "内蒙古乙检测" not in page
    page = client.get("/certificates/", {"q": "浑浊度"}).content.decode()
    assert "北京甲检测" in page and "内蒙古乙检测" in page
    page = client.get("/certificates/", {"q": "GB/T 17671", "region": "15"}).content.decode()
    assert "北京甲检测" not in page and "内蒙古乙检测" in page


def test_search_filters_by_effective_status(client: Client) -> None:
    certificate = cf.certificate("12", name="暂停中的机构")
    cf.certificate("12", name="正常的机构")
    services.suspend_certificate(factories.regulator("12"), certificate, "暂停")
    page = client.get("/certificates/", {"status": "suspended"}).content.decode()
    assert "暂停中的机构" in page and "正常的机构" not in page


def test_institution_page_shows_certificates_scope_and_history(client: Client) -> None:
    certificate = cf.certificate("13", name="沧州检测")
    services.suspend_certificate(factories.regulator("13"), certificate, "监督抽查不合格")
    page = client.get(f"/institutions/{certificate.institution.credit_code}/").content.decode()
    assert certificate.number in page
    assert "GB/T 5750.6-2023" in page
    assert "监督抽查不合格" in page and "首次发证" in page


def test_certificate_page_and_pdf(client: Client) -> None:
    certificate = cf.certificate("14")
    page = client.get(f"/certificates/{certificate.number}/").content.decode()
    assert "抗压强度" in page and "首次发证" in page
    response = client.get(f"/certificates/{certificate.number}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert certificate.versions.get().token.encode() in response.content


def test_verify_page_shows_revocation_of_a_token_printed_while_valid(client: Client) -> None:
    certificate = cf.certificate("13")
    printed = certificate.versions.get().token
    services.revoke_certificate(factories.regulator("13"), certificate, "出具虚假报告")
    page = client.get(f"/verify/{certificate.number}/", {"t": printed}).content.decode()
    assert "证书已撤销" in page and "出具虚假报告" in page


def test_verify_page_refuses_forged_or_foreign_tokens(client: Client) -> None:
    certificate = cf.certificate("13")
    token = certificate.versions.get().token
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    page = client.get(f"/verify/{certificate.number}/", {"t": forged}).content.decode()
    assert "签名无效（可能伪造）" in page and "not valid" not in page
    other = cf.certificate("13").versions.get().token
    page = client.get(f"/verify/{certificate.number}/", {"t": other}).content.decode()
    assert "签名无效（可能伪造）" in page and "属于另一个证书" in page
    assert client.get("/verify/130317009999/").status_code == 404


def test_verify_refuses_a_token_signed_by_another_regions_key(client: Client) -> None:
    certificate = cf.certificate("13")
    version = certificate.versions.get()
    fields = {"no": certificate.number, "v": 1}
    wrong_issuer = trust.sign_fields("11", fields)
    page = client.get(f"/verify/{certificate.number}/", {"t": wrong_issuer}).content.decode()
    assert "签名无效（可能伪造）" in page and "二维码由11的密钥签名" in page
    assert version.token.split(".")[1] != wrong_issuer.split(".")[1]
    body = client.get("/api/certificates/verify", {"token": wrong_issuer}).json()
    assert body["detail"].startswith("not valid:")


def test_verify_after_key_revocation(client: Client) -> None:
    certificate = cf.certificate("12")
    token = certificate.versions.get().token
    root = User.objects.create_superuser("root", "r@example.invalid", "x")
    trust.revoke_key(root, token.split(".")[1], "泄露")
    keys = client.get("/.well-known/ticcoop-keys.json").json()["keys"]
    assert [k["status"] for k in keys] == ["revoked"]
    page = client.get(f"/verify/{certificate.number}/", {"t": token}).content.decode()
    assert "签名无效（可能伪造）" in page and "密钥已被撤销" in page


# --- API ----------------------------------------------------------------------------------------


def test_api_verify_reports_current_status_for_an_old_token(client: Client) -> None:
    certificate = cf.certificate("11")
    printed = certificate.versions.get().token
    services.suspend_certificate(factories.regulator("11"), certificate, "暂停")
    body = client.get("/api/certificates/verify", {"token": printed}).json()
    assert body["signature_valid"] is True
    assert body["current_status"] == "suspended" and body["is_current_version"] is False
    assert body["token_version"] == 1 and body["current_version"] == 2
    bad = client.get("/api/certificates/verify", {"token": printed[:40]}).json()
    assert bad["signature_valid"] is False and bad["detail"].startswith("not valid:")


def test_api_verify_and_search_read_few_columns_in_few_queries(
    client: Client, django_assert_num_queries: Any
) -> None:
    """The lean reads (issue 17) load nothing later: the keys and the certificate for a verify,
    the count and the page for a search; a search row has exactly the schema's fields."""
    certificate = cf.certificate("12")
    token = certificate.versions.get().token
    with django_assert_num_queries(2):
        body = client.get("/api/certificates/verify", {"token": token}).json()
    assert body["current_status_label"] and body["number"] == certificate.number
    # Built without ninja's validation: exactly what the schema would have written.
    assert list(body) == list(CertificateVerifyOut.model_fields)
    assert body == CertificateVerifyOut.model_validate(body).model_dump(mode="json")
    forged = client.get("/api/certificates/verify", {"token": token[:40]}).json()
    assert forged == CertificateVerifyOut.model_validate(forged).model_dump(mode="json")
    with django_assert_num_queries(3):  # the regions named in the words, the ids, the page
        found = client.get("/api/certificates", {"q": certificate.number}).json()
    assert set(found["items"][0]) == set(CertificateOut.model_fields)
    assert found["items"][0]["issue_date"] == certificate.issue_date.isoformat()


def test_search_page_reads_the_regions_once(client: Client) -> None:
    """The region filter and the words naming a region share one read (issue 17)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    certificate = cf.certificate("12")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/certificates/", {"q": f"天津 {certificate.number}"})
    assert page.status_code == 200 and certificate.number in page.content.decode()
    regions = [
        q for q in queries.captured_queries if q["sql"].startswith('SELECT "regions_region"')
    ]
    assert len(regions) == 1


def test_api_detail_versions_and_search(client: Client) -> None:
    certificate = cf.certificate("15")
    body = client.get(f"/api/certificates/{certificate.number}").json()
    assert body["effective_status"] == "valid" and len(body["scope"]) == 3
    assert body["issuing_region"] == "15"
    versions = client.get(f"/api/certificates/{certificate.number}/versions").json()
    assert versions[0]["action"] == "issue" and versions[0]["token"].startswith(
        "TC1-SM2."
    )  # new keys are SM2
    found = client.get("/api/certificates", {"q": "铅"}).json()
    assert found["count"] == 1


def test_api_writes_are_region_scoped(client: Client) -> None:
    certificate = cf.certificate("13")
    url = f"/api/certificates/{certificate.number}/suspend"
    payload = {"reason": "检查"}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    beijing = logged_in(factories.regulator("11"))
    assert beijing.post(url, payload, content_type="application/json").status_code == 403
    hebei = logged_in(factories.regulator("13"))
    response = hebei.post(url, payload, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    again = hebei.post(url, payload, content_type="application/json")
    assert again.status_code == 422 and "当前为“暂停”" in str(again.json()["errors"])


def test_api_issue_needs_a_passed_assessment() -> None:
    holder = factories.institution("12")
    hebei_client = logged_in(factories.regulator("12"))
    scope = [row.as_dict() for row in cf.SCOPE]
    payload = {
        "credit_code": holder.credit_code,
        "number": cf.number("12"),
        "issue_date": "2020-01-01",
        "assessment_id": cf.assessment(holder, conclusion="nonconform").pk,
        "scope": scope,
    }
    payload["number"] = cf.number("12", 2020)
    response = hebei_client.post("/api/certificates", payload, content_type="application/json")
    assert response.status_code == 422 and "未通过评审" in str(response.json()["errors"])
    payload["assessment_id"] = cf.assessment(holder).pk
    response = hebei_client.post("/api/certificates", payload, content_type="application/json")
    assert response.status_code == 201 and response.json()["expiry_date"] == "2025-12-31"


# --- regulators' pages and admin ---------------------------------------------------------------


def test_manage_page_is_region_scoped_and_calls_the_services() -> None:
    certificate = cf.certificate("14")
    url = f"/certificates/{certificate.number}/manage/"
    assert logged_in(factories.regulator("11")).get(url).status_code == 403
    shanxi = logged_in(factories.regulator("14"))
    response = shanxi.post(url, {"action": "suspend", "reason": ""})
    assert "暂停必须填写原因" in response.content.decode()
    shanxi.post(url, {"action": "suspend", "reason": "检查发现问题"})
    certificate.refresh_from_db()
    assert certificate.status == "suspended" and certificate.version == 2
    shanxi.post(url, {"action": "restore", "reason": "整改完成"})
    scope_text = "食品 | 大米 | 镉 | GB 5009.15-2023 | | "
    shanxi.post(url, {"scope": scope_text, "reason": "缩项"})
    certificate.refresh_from_db()
    assert certificate.version == 4 and certificate.scope.get().parameter == "镉"


def test_issue_page_lists_own_regions_passed_assessments_and_issues_through_the_service() -> None:
    holder = factories.institution("13", name="待发证的沧州检测")
    passed = cf.assessment(holder)
    cf.assessment(factories.institution("11", name="北京待发证机构"))
    hebei = logged_in(factories.regulator("13"))
    todo = hebei.get("/certificates/issue/").content.decode()
    assert "待发证的沧州检测" in todo and "北京待发证机构" not in todo
    url = f"/certificates/issue/{passed.pk}/"
    assert logged_in(factories.regulator("11")).get(url).status_code == 403
    form = {"number": cf.number("11"), "issue_date": "", "scope": "食品 | 大米 | 镉 | GB 5009.15"}
    form["issue_date"] = timezone.localdate().isoformat()
    page = hebei.post(url, form).content.decode()
    assert "发证机关代码，应为03" in page and not Certificate.objects.exists()
    form["number"] = cf.number("13")
    response = hebei.post(url, form)
    certificate = Certificate.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{certificate.number}/")
    assert certificate.issuing_region.code == "13" and certificate.version == 1
    assert certificate.scope.get().parameter == "镉"
    assert "待发证的沧州检测" not in hebei.get("/certificates/issue/").content.decode()


def test_issue_page_names_an_open_major_nonconformity_and_refuses() -> None:
    holder = factories.institution("14")
    basis = cf.assessment(holder)
    cf.major_nonconformity(basis)
    shanxi = logged_in(factories.regulator("14"))
    url = f"/certificates/issue/{basis.pk}/"
    assert "存在未关闭的严重不符合项" in shanxi.get(url).content.decode()
    form = {
        "number": cf.number("14"),
        "issue_date": timezone.localdate().isoformat(),
        "scope": "食品 | 大米 | 镉 | GB 5009.15",
    }
    assert "存在未关闭的严重不符合项" in shanxi.post(url, form).content.decode()
    assert not Certificate.objects.exists()
    institution_user = logged_in(factories.user(Role.INSTITUTION_USER, "14"))
    assert institution_user.get("/certificates/issue/").status_code == 403


def test_admin_lifecycle_actions_go_through_services_and_scope() -> None:
    certificate = cf.certificate("13")
    url = "/admin/certificates/certificate/"
    form = {"action": "revoke_selected", "_selected_action": [certificate.pk]}
    beijing = logged_in(factories.regulator("11"))
    beijing.post(url, {**form, "apply": "1", "reason": "越权"})
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    hebei = logged_in(factories.regulator("13"))
    assert "原因" in hebei.post(url, form).content.decode()
    hebei.post(url, {**form, "apply": "1", "reason": "违法"})
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.versions.count() == 2


def test_admin_cannot_edit_lifecycle_fields_directly() -> None:
    certificate = cf.certificate("13")
    hebei = logged_in(factories.regulator("13"))
    change = f"/admin/certificates/certificate/{certificate.pk}/change/"
    page = hebei.get(change)
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    hebei.post(change, {"status": "revoked", "expiry_date": "2099-01-01"})
    certificate.refresh_from_db()
    assert certificate.status == "valid" and certificate.expiry_date.year < 2099
    assert hebei.get("/admin/certificates/certificate/add/").status_code == 403
    version = certificate.versions.get()
    assert (
        hebei.get(f"/admin/certificates/certificateversion/{version.pk}/delete/").status_code == 403
    )


def test_import_page_dry_run_then_confirm(django_capture_on_commit_callbacks: Any) -> None:
    """Upload and confirmation each start a job; its page shows the report (issue 12)."""
    hebei = logged_in(factories.regulator("13"))
    rows = [[factories.credit_code("13"), "页面导入机构", "13", "", "", "", "", "正常", "B"]]
    upload = SimpleUploadedFile("i.csv", write_csv("institutions", rows))
    with django_capture_on_commit_callbacks(execute=True):
        response = hebei.post("/certificates/import/", {"file": upload})
    dry_run = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{dry_run.pk}/"
    page = hebei.get(response.url).content.decode()
    assert "校验通过" in page and "100 %" in page and not Institution.objects.exists()
    confirm = f"/certificates/import/confirm/{dry_run.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = hebei.post(confirm)
    done = hebei.get(response.url).content.decode()
    assert "已导入" in done and Institution.objects.get().name == "页面导入机构"
    real = Job.objects.get(pk=int(response.url.split("/")[2]))
    assert real.state == "done" and not real.input_file  # the upload is gone once imported
    again = hebei.post(confirm)  # a second click imports nothing twice
    assert again.url == "/certificates/import/" and Job.objects.count() == 2
    bad = SimpleUploadedFile("i.csv", write_csv("institutions", [["x", "坏", "13"]]))
    with django_capture_on_commit_callbacks(execute=True):
        response = hebei.post("/certificates/import/", {"file": bad})
    page = hebei.get(response.url).content.decode()
    assert "第2行，列&quot;统一社会信用代码&quot;：长度应为18位" in page
    assert "1 处错误，未写入任何数据" in page and 'id="job-rerun"' in page
    institution_user = logged_in(factories.user(Role.INSTITUTION_USER, "13"))
    assert institution_user.get("/certificates/import/").status_code == 403
    assert institution_user.get(f"/jobs/{dry_run.pk}/").status_code == 403


def test_export_endpoints(client: Client) -> None:
    certificate = cf.certificate("12")
    csv_body = client.get("/certificates/export/", {"format": "csv", "kind": "scopes"}).content
    assert certificate.number.encode() in csv_body and "浑浊度".encode() in csv_body
    xlsx = client.get("/certificates/export/")
    assert xlsx.content.startswith(b"PK") and Certificate.objects.count() == 1


def test_search_words_are_anded_across_number_name_and_scope(client: Client) -> None:
    cf.certificate("11", name="北京甲检测")
    cf.certificate("15", name="内蒙古乙检测")
    page = client.get("/certificates/", {"q": "北京 浑浊度"}).content.decode()
    assert "北京甲检测" in page and "内蒙古乙检测" not in page
    page = client.get("/certificates/", {"q": "乙检测 GB/T 17671"}).content.decode()
    assert "内蒙古乙检测" in page and "北京甲检测" not in page
