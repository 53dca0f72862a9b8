"""Bulk import/export: row-precise errors, all-or-nothing, idempotent, region-scoped."""

from __future__ import annotations

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import translation

from ticcoop.certificates.exporting import export_csv, export_xlsx
from ticcoop.certificates.import_checks import credit_code_problem
from ticcoop.certificates.importing import import_registry
from ticcoop.certificates.models import Certificate, CertificateVersion, ImportBatch, ScopeItem
from ticcoop.certificates.queries import search_page
from ticcoop.certificates.search import stale_search_keys
from ticcoop.certificates.tables import write_csv, write_xlsx
from ticcoop.certificates.tests import factories as cf
from ticcoop.methods.ids import credit_code_check_character
from ticcoop.registry.models import Institution
from ticcoop.testing import factories
from ticcoop.trust.queries import verify_token

pytestmark = pytest.mark.django_db


def institution_row(code: str, region: str = "13", name: str = "导入检测有限公司") -> list[str]:
    return [code, name, region, "地址1号", "张三", "李四", "0311-1234567", "正常", "B"]


def certificate_row(number: str, code: str, issued: str = "2021-05-10") -> list[str]:
    return [number, code, issued, "", "", "有效", ""]


def scope_row(number: str, parameter: str = "铅") -> list[str]:
    return [number, "食品", "生活饮用水", parameter, "GB/T 5750.6-2023", "14.1", ""]


def workbook(region: str = "13", count: int = 3) -> tuple[bytes, list[str], list[str]]:
    codes = [factories.credit_code(region) for _ in range(count)]
    authority = cf.AUTHORITY[region]
    numbers = [f"21{authority}1700{index + 1:04d}" for index in range(count)]
    data = write_xlsx(
        {
            "institutions": [
                institution_row(c, region, f"导入机构{i}") for i, c in enumerate(codes)
            ],
            "certificates": [certificate_row(n, c) for n, c in zip(numbers, codes, strict=True)],
            "scopes": [scope_row(n, p) for n in numbers for p in ("铅", "汞")],
        }
    )
    return data, codes, numbers


@pytest.fixture
def root() -> User:
    return User.objects.create_superuser("root", "r@example.invalid", "x")


def test_xlsx_import_creates_institutions_certificates_scopes_and_signed_versions(
    root: User,
) -> None:
    data, codes, numbers = workbook()
    report = import_registry(root, "registry.xlsx", data, dry_run=False)
    assert report.errors == []
    assert Institution.objects.filter(credit_code__in=codes).count() == 3
    certificate = Certificate.objects.get(number=numbers[0])
    assert certificate.expiry_date.isoformat() == "2027-05-09"
    assert certificate.scope.count() == 2 and certificate.version == 1
    version = certificate.versions.get()
    assert version.action == "import"
    assert verify_token(version.token).fields["no"] == numbers[0]
    batch = ImportBatch.objects.get()
    assert batch.counts["证书新增"] == 3 and batch.actor == root
    # the batch's own creation is in the audit trail, attributed to the importing user
    assert LogEntry.objects.get_for_object(batch).get().actor == root


def test_reimport_changes_nothing(root: User) -> None:
    data, _codes, _numbers = workbook()
    import_registry(root, "registry.xlsx", data, dry_run=False)
    before = (
        list(Institution.objects.values_list("pk", "updated_at")),
        CertificateVersion.objects.count(),
        list(ScopeItem.objects.values_list("pk", flat=True)),
    )
    report = import_registry(root, "registry.xlsx", data, dry_run=False)
    assert report.ok
    assert report.counts["机构新增"] == report.counts["机构更新"] == 0
    assert report.counts["证书新增"] == report.counts["证书更新"] == 0
    after = (
        list(Institution.objects.values_list("pk", "updated_at")),
        CertificateVersion.objects.count(),
        list(ScopeItem.objects.values_list("pk", flat=True)),
    )
    assert after == before


def test_one_bad_row_leaves_the_database_unchanged_and_is_reported_precisely(
    root: User,
) -> None:
    good = [factories.credit_code("13") for _ in range(20)]
    bad = good[15][:17] + ("0" if good[15][17] != "0" else "1")
    rows = [institution_row(c) for c in good]
    rows[15] = institution_row(bad)
    report = import_registry(
        root, "institutions.csv", write_csv("institutions", rows), dry_run=False
    )
    expected = credit_code_check_character(bad[:17])
    assert report.errors == [f"第17行，列\"统一社会信用代码\"：校验码应为'{expected}'"]
    assert not Institution.objects.exists()
    assert not ImportBatch.objects.exists()


def test_every_bad_row_and_field_is_listed(root: User) -> None:
    data = write_xlsx(
        {
            "institutions": [
                institution_row("91130100MA", "13"),
                institution_row(factories.credit_code("13"), "99"),
            ],
            "certificates": [
                [
                    "210317000001",
                    factories.credit_code("13"),
                    "2022-01-01",
                    "",
                    "2099-01-01",
                    "有效",
                    "",
                ]
            ],
        }
    )
    report = import_registry(root, "bad.xlsx", data, dry_run=True)
    assert report.errors[0] == '工作表“机构”第2行，列"统一社会信用代码"：长度应为18位，实为10位'
    assert report.errors[1].startswith('工作表“机构”第3行，列"地区代码"：未知地区代码')
    assert report.errors[2].startswith('工作表“证书”第2行，列"统一社会信用代码"：机构未登记')
    assert len(report.errors) == 3


def test_errors_are_reported_in_the_active_language(root: User) -> None:
    data = write_xlsx({"institutions": [institution_row("91130100MA", "13")]})
    with translation.override("en"):
        report = import_registry(root, "bad.xlsx", data, dry_run=True)
    assert report.errors == [
        'Sheet “机构”, row 2, column "统一社会信用代码": must be 18 characters long, not 10'
    ]


def test_expiry_is_computed_never_typed(root: User) -> None:
    institution = factories.institution("13")
    rows = [["210317000009", institution.credit_code, "2021-05-10", "", "2030-01-01", "有效", ""]]
    report = import_registry(root, "c.csv", write_csv("certificates", rows), dry_run=False)
    assert report.errors == [
        '第2行，列"有效期至"：有效期至由系统计算（有效期起+6年−1天），应为2027-05-09'
    ]


def test_regulators_import_only_their_region(root: User) -> None:
    hebei = factories.regulator("13")
    rows = [
        institution_row(factories.credit_code("13"), "13"),
        institution_row(factories.credit_code("11"), "11"),
    ]
    report = import_registry(hebei, "i.csv", write_csv("institutions", rows), dry_run=False)
    assert report.errors == ['第3行，列"地区代码"：只能导入本地区的机构，本行为北京市']
    assert not Institution.objects.exists()
    beijing_number = "210117000001"
    report = import_registry(
        hebei,
        "c.csv",
        write_csv("certificates", [certificate_row(beijing_number, "x")]),
        dry_run=True,
    )
    assert "只能导入本地区发证的证书" in report.errors[0]


def test_status_change_by_reimport_appends_a_version(root: User) -> None:
    data, codes, numbers = workbook(count=1)
    import_registry(root, "r.xlsx", data, dry_run=False)
    revoked = [[numbers[0], codes[0], "2021-05-10", "", "", "撤销", "出具虚假报告"]]
    report = import_registry(root, "c.csv", write_csv("certificates", revoked), dry_run=False)
    assert report.counts["证书更新"] == 1
    certificate = Certificate.objects.get()
    assert certificate.status == "revoked" and certificate.version == 2
    assert certificate.scope.count() == 2  # untouched when the file has no scope rows
    assert verify_token(certificate.versions.get(number=2).token).fields["status"] == "revoked"


def test_dry_run_writes_nothing(root: User) -> None:
    data, _codes, _numbers = workbook()
    report = import_registry(root, "r.xlsx", data, dry_run=True)
    assert report.ok and report.counts["机构新增"] == 3
    assert not Institution.objects.exists() and not Certificate.objects.exists()


def test_export_then_import_is_a_no_op(root: User) -> None:
    cf.certificate("12")
    cf.certificate("14")
    for kind in ("institutions", "certificates", "scopes"):
        report = import_registry(root, f"{kind}.csv", export_csv(kind), dry_run=False)
        assert report.ok, report.errors
        assert sum(v for k, v in report.counts.items() if "新增" in k or "更新" in k) == 0
    report = import_registry(root, "all.xlsx", export_xlsx("12"), dry_run=False)
    assert report.ok and report.counts["证书更新"] == 0
    assert CertificateVersion.objects.count() == 2


def test_files_carry_chinese_labels_whatever_the_pages_language(root: User) -> None:
    cf.certificate("12")
    with translation.override("en"):
        exported = export_csv("certificates")
        assert "有效" in exported.decode("utf-8-sig") and "Valid" not in exported.decode(
            "utf-8-sig"
        )
        report = import_registry(root, "c.csv", exported, dry_run=True)
        assert report.ok, report.errors
    english = exported.decode("utf-8-sig").replace(",有效,", ",Valid,").encode()
    report = import_registry(root, "c.csv", english, dry_run=True)  # Chinese page, English file
    assert report.ok, report.errors


def test_credit_code_messages_are_chinese() -> None:
    assert credit_code_problem("91130100MA0000000I") is not None
    assert "不允许" in str(credit_code_problem("91130100MA000000I0"))
    assert credit_code_problem(factories.credit_code("13")) is None


def test_management_command_dry_run_and_import(root: User, tmp_path: Path) -> None:
    data, codes, _numbers = workbook()
    path = tmp_path / "registry.xlsx"
    path.write_bytes(data)
    call_command("import_registry", str(path), "--dry-run")
    assert not Institution.objects.exists()
    call_command("import_registry", str(path))
    assert Institution.objects.filter(credit_code__in=codes).count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(write_csv("institutions", [institution_row("123")]))
    with pytest.raises(CommandError, match="未写入"):
        call_command("import_registry", str(bad))


def test_imported_certificates_are_found_by_scope_and_by_a_renamed_holder(root: User) -> None:
    data, codes, numbers = workbook(count=2)
    import_registry(root, "r.xlsx", data, dry_run=False)
    found = search_page("汞", "", "", 1, 20)
    assert sorted(c.number for c in found) == sorted(numbers)
    scopes = write_csv("scopes", [scope_row(numbers[0], "六价铬")])
    import_registry(root, "s.csv", scopes, dry_run=False)
    assert [c.number for c in search_page("六价铬", "", "", 1, 20)] == [numbers[0]]
    renamed = write_csv("institutions", [institution_row(codes[1], name="改名后的导入机构")])
    assert import_registry(root, "i.csv", renamed, dry_run=False).ok
    assert [c.number for c in search_page("改名后", "", "", 1, 20)] == [numbers[1]]
    assert stale_search_keys() == []
