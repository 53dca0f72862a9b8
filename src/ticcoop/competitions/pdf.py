"""Award certificate PDFs, built as certificates/pdf.py builds CMA certificates: ReportLab's
CID font STSong-Light, a vector QR code of the verify URL carrying the signed token
(ticcoop.trust, issuer = organiser region code), and the token in the PDF metadata.
"""

from __future__ import annotations

from urllib.parse import quote

from django.urls import reverse
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from ticcoop.certificates.pdf import BODY, HEADING, SMALL, TITLE
from ticcoop.certificates.signed import public_base_url
from ticcoop.competitions.models import Award, Medal
from ticcoop.pdfs import QrCode, build_pdf, text, token_metadata


def verify_url(token: str, base_url: str | None = None) -> str:
    base = (base_url or public_base_url()).rstrip("/")
    return f"{base}{reverse('competitions-award-verify')}?t={quote(token, safe='')}"


def render_award_pdf(award: Award, base_url: str | None = None) -> bytes:
    contestant = award.contestant
    competition = contestant.competition
    url = verify_url(award.token, base_url)
    organiser = competition.organiser_region.name_zh
    story: list[Flowable] = [
        Paragraph("荣 誉 证 书", TITLE),
        Spacer(1, 8 * mm),
        Paragraph(
            text(
                f"{contestant.person_name}（{contestant.institution.name}）："
                f"在{competition.year}年{competition.title}{contestant.discipline.name}项目中"
                f"获得第{award.rank}名，荣获{Medal(award.medal).label}。特发此证，以资鼓励。"
            ),
            HEADING,
        ),
        Spacer(1, 6 * mm),
        Paragraph(f"证书编号：{text(award.number)}", BODY),
        Paragraph(f"主办单位：{text(organiser)}市场监督管理局（华北五地检验检测技能比武）", BODY),
        Spacer(1, 4 * mm),
        QrCode(url, 38 * mm),
        Paragraph("扫码核验证书真伪（数字签名）。", SMALL),
        Paragraph(f"核验网址：{text(url)}", SMALL),
    ]
    return build_pdf(
        story,
        pagesize=landscape(A4),
        title=f"技能比武获奖证书 {award.number}",
        **token_metadata(award.token),
        topMargin=18 * mm,
        bottomMargin=15 * mm,
    )
