"""Helpers shared by the apps' PDFs (ReportLab): the Chinese font, a vector QR code, the
metadata that carries a signed token, user text in paragraphs, and building a document to bytes.

Every value that a user typed (titles, names, reasons, addresses …) goes into a ReportLab
``Paragraph`` through :func:`text` (or :func:`para`): a Paragraph parses its string as markup,
so ``<img src="/etc/hostname">`` would make ReportLab open a server file and ``<a href=…>``
would put a live link into an official document.  Table cells given as plain ``str`` are not
parsed and need nothing.

The font is STSong-Light, one of the standard Adobe-GB1 CID fonts built into ReportLab: it is
referenced, not embedded (a composite font, ISO 32000-1 §9.7), so no font file is shipped.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

FONT = "STSong-Light"
AUTHOR = "华北五地检验检测认证区域合作平台"
QR_BORDER = 4  # modules of quiet zone around the symbol (ISO/IEC 18004)


def register_font() -> None:
    """Register FONT with ReportLab; later calls do nothing."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


register_font()


def text(value: object) -> str:
    """``value`` (user text) as Paragraph markup that prints exactly these characters:
    ``&``, ``<`` and ``>`` escaped, so no tag or entity of the value is interpreted."""
    return escape(str(value))


def para(value: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph showing ``value`` (user text) literally."""
    return Paragraph(text(value), style)


class QrCode(Flowable):
    """A vector QR code (segno matrix drawn as squares), ``size`` points wide."""

    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        self.qr = segno.make(data, error="m", micro=False)
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        matrix = [list(row) for row in self.qr.matrix]
        unit = self.size / (len(matrix) + 2 * QR_BORDER)
        canvas = self.canv
        canvas.setFillColor(colors.black)
        for y, row in enumerate(matrix):
            for x, dark in enumerate(row):
                if dark:
                    top = self.size - (y + QR_BORDER + 1) * unit
                    canvas.rect((x + QR_BORDER) * unit, top, unit, unit, stroke=0, fill=1)


def token_metadata(token: str) -> dict[str, Any]:
    """Document metadata carrying ``token`` (subject and keywords), where
    ``ticcoop verify-certificate FILE.pdf`` finds it."""
    return {"author": AUTHOR, "subject": token, "keywords": ["ticcoop-token", token]}


@dataclass(frozen=True)
class Watermark:
    """A large diagonal word across every page (e.g. 已撤销) and a status line above the text,
    so that a printout of a document that is no longer valid cannot pass for a valid one."""

    word: str
    status_line: str

    def __call__(self, canvas: Canvas, document: Any) -> None:
        width, height = document.pagesize
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.22))
        canvas.setFont(FONT, min(width, height) / max(len(self.word), 2) * 0.9)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, 0, self.word)
        canvas.restoreState()
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.72, 0.07, 0.07))
        canvas.setFont(FONT, 11)
        canvas.drawCentredString(width / 2, height - document.topMargin / 2, self.status_line)
        canvas.restoreState()


def build_pdf(story: list[Flowable], watermark: Watermark | None = None, **document: Any) -> bytes:
    """``story`` laid out by a SimpleDocTemplate with ``document`` (page size, margins,
    metadata), as bytes; ``watermark`` is drawn on every page."""
    buffer = io.BytesIO()
    pages: dict[str, Any] = {}
    if watermark is not None:
        pages = {"onFirstPage": watermark, "onLaterPages": watermark}
    SimpleDocTemplate(buffer, **document).build(story, **pages)
    return buffer.getvalue()
