"""Issue 11: uploads are checked by type (name and content) and size, an XLSX bomb is refused
before it is inflated, CSV and argument limits give a message, NUL bytes are refused."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from ticcoop.accounts.roles import Role
from ticcoop.assessments.models import Severity
from ticcoop.assessments.tests import factories as af
from ticcoop.certificates.tables import FileProblem, read_tables
from ticcoop.cli import main
from ticcoop.registry.models import Institution, InstitutionMembership
from ticcoop.testing import factories
from ticcoop.uploads import check_files, check_xlsx, content_matches, csv_rows

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run in DOS mode"
ROW = b'<row><c t="inlineStr"><is><t>' + b"9" * 40 + b"</t></is></c></row>"


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of already deflated members: (name, deflated bytes, declared size, crc)."""
    out, directory = bytearray(), bytearray()
    for name, data, size, crc in members:
        encoded = name.encode()
        offset = len(out)
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size,
                             len(encoded), 0)  # fmt: skip
        out += header + encoded + data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                                 len(data), size, len(encoded), 0, 0, 0, 0, 0, offset)  # fmt: skip
        directory += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory),
                      len(out), 0)  # fmt: skip
    return bytes(out + directory + end)


def _deflated(text: bytes) -> tuple[bytes, int, int]:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(text) + packer.flush(), len(text), zlib.crc32(text)


def xlsx_bomb(megabytes: int = 876) -> bytes:
    """A valid workbook whose one sheet declares ``megabytes`` MB of rows, deflated to ~1/290
    of that: after a full flush, one MB of rows compresses to the same bytes every time."""
    book = io.BytesIO()
    workbook = Workbook()
    workbook.active.title = "机构"
    workbook.save(book)
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    head += b"<sheetData>"
    chunk = ROW * (2**20 // len(ROW))
    tail = b"</sheetData></worksheet>"
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    body += (packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)) * megabytes
    body += packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    size = len(head) + len(chunk) * megabytes + len(tail)
    members = []
    with zipfile.ZipFile(book) as source:
        for name in source.namelist():
            if name != "xl/worksheets/sheet1.xml":
                members.append((name, *_deflated(source.read(name))))
    return _zip([*members, ("xl/worksheets/sheet1.xml", body, size, zlib.crc32(tail, crc))])


def test_the_xlsx_bomb_is_refused_fast_and_small() -> None:
    bomb = xlsx_bomb()
    assert 3 * 2**20 < len(bomb) < 5 * 2**20  # 3.8 MB on disk, 876 MB declared
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(FileProblem, match="解压后"):
        read_tables("bomb.xlsx", bomb)
    elapsed = time.perf_counter() - started
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 32 * 2**20, (elapsed, peak)
    print(f"bomb {len(bomb) / 2**20:.1f} MB refused in {elapsed * 1000:.1f} ms, peak {peak} B")


def test_a_highly_compressed_member_is_refused(settings: Any) -> None:
    settings.TICCOOP_MAX_XLSX_UNCOMPRESSED_BYTES = 2**40
    with pytest.raises(ValidationError, match="压缩比"):
        check_xlsx(xlsx_bomb(8))


@pytest.mark.django_db
def test_the_bomb_through_the_import_page_is_refused(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(factories.regulator("13"))
    upload = SimpleUploadedFile("registry.xlsx", xlsx_bomb())
    response = client.post("/certificates/import/", {"file": upload})
    assert response.status_code == 200
    assert "解压后" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "data"),
    [("tool.exe", EXE), ("report.pdf", EXE), ("page.html", b"<html><script>x</script></html>"),
     ("photo.png", PDF), ("notes.txt", b"a\x00b")],
)  # fmt: skip
def test_evidence_of_a_type_not_allowed_is_refused(name: str, data: bytes) -> None:
    with pytest.raises(ValidationError):
        check_files([SimpleUploadedFile(name, data)])


def test_allowed_evidence_types_by_content() -> None:
    assert content_matches(".pdf", PDF)
    assert content_matches(".png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8)
    assert content_matches(".jpg", b"\xff\xd8\xff\xe0")
    assert content_matches(".webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    assert content_matches(".xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert content_matches(".csv", "名称,值\n".encode("gb18030"))
    docx = _zip([("word/document.xml", *_deflated(b"<w:document/>"))])
    assert content_matches(".docx", docx) and not content_matches(".xlsx", docx)
    check_files([SimpleUploadedFile("report.pdf", PDF)])


@pytest.mark.django_db
def test_an_exe_through_the_rectification_api_is_refused(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    institution = factories.institution("14")
    nc = af.nonconformity(af.passed_assessment(institution), Severity.MINOR)
    user = factories.user(Role.INSTITUTION_USER, "14")
    InstitutionMembership.objects.create(user=user, institution=institution)
    client = Client()
    client.force_login(user)
    started = time.perf_counter()
    response = client.post(
        f"/api/assessments/nonconformities/{nc.pk}/rectifications",
        {"evidence": "已整改", "files": [SimpleUploadedFile("setup.exe", EXE)]},
    )
    assert response.status_code == 422 and ".exe" in response.content.decode()
    assert time.perf_counter() - started < 2
    assert not nc.rectifications.exists()


def test_a_csv_cell_over_the_field_limit_is_a_message() -> None:
    data = ("统一社会信用代码,机构名称,地区代码\r\nX," + "长" * 140_000 + ",13\r\n").encode()
    with pytest.raises(FileProblem, match="第 2 行"):
        read_tables("registry.csv", data)
    with pytest.raises(ValidationError):
        list(csv_rows("a\n" + "b" * 200_000 + "\n"))


def test_a_nul_byte_in_an_imported_csv_is_refused() -> None:
    data = "统一社会信用代码,机构名称,地区代码\r\nX,坏\x00名,13\r\n".encode()
    with pytest.raises(FileProblem, match="NUL"):
        read_tables("registry.csv", data)


@pytest.mark.django_db
def test_a_nul_byte_in_a_form_field_is_refused() -> None:
    client = Client()
    client.force_login(factories.regulator("13"))
    before = Institution.objects.count()
    response = client.post(
        "/institutions/new/",
        {"credit_code": factories.credit_code("13"), "name": "坏\x00名", "region": "13"},
    )
    assert response.status_code == 400 and "NUL" in response.content.decode()
    assert Institution.objects.count() == before


def test_a_huge_verify_certificate_argument_is_a_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["verify-certificate", "x" * 100_000, "--keys", "/nonexistent.json"]) == 2
    assert "过长" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_nul_byte_in_a_path_or_query_is_a_400() -> None:
    client = Client()
    assert client.get("/institutions/", {"q": "a\x00b"}).status_code == 400
    assert client.get("/api/institutions", {"q": "a\x00b"}).status_code in (400, 422)
    assert client.get("/api/institutions/a%00b").status_code == 400
