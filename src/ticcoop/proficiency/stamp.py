"""A superseded revision as delivered: the stored, unchanged PDF with a stamp on every page.

The stored bytes of an issued revision never change (their SHA-256 is on the revisions page);
the copy handed out once a later revision exists carries "已被第 n 版取代" across each page,
so that a printout cannot pass for the current report. pypdf merges a one-page ReportLab
overlay onto the stored pages; the stamped copy is kept in the default storage.
"""

from __future__ import annotations

import hashlib
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf import PageObject, PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from ticcoop.pdfs import FONT


def _overlay(word: str, line: str, width: float, height: float) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.22))
    canvas.setFont(FONT, min(width, height) / max(len(word), 2) * 0.9)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35)
    canvas.drawCentredString(0, 0, word)
    canvas.restoreState()
    canvas.setFillColor(colors.Color(0.72, 0.07, 0.07))
    canvas.setFont(FONT, 10)
    canvas.drawCentredString(width / 2, height - 22, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def stamp_superseded(pdf: bytes, word: str, line: str) -> bytes:
    """``pdf`` with ``word`` diagonally and ``line`` at the top of every page."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    overlays: dict[tuple[float, float], PageObject] = {}
    for page in writer.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        if size not in overlays:
            overlay = _overlay(word, line, *(size if all(size) else A4))
            overlays[size] = PdfReader(io.BytesIO(overlay)).pages[0]
        page.merge_page(overlays[size])
    writer.add_metadata({"/Subject": line})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stored_superseded(sha256: str, pdf: bytes, word: str, line: str) -> bytes:
    """``stamp_superseded`` once per stored revision and superseding revision."""
    tag = hashlib.sha256(f"{word}\n{line}".encode()).hexdigest()[:16]
    name = f"pt-reports/{sha256}-{tag}.pdf"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            return bytes(stored.read())
    body = stamp_superseded(pdf, word, line)
    default_storage.save(name, ContentFile(body))
    return body
