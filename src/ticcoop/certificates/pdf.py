"""The certificate PDF: Chinese text (ReportLab's built-in CID font STSong-Light), a QR code
of the verify URL with the signed token, the token as text and in the PDF metadata
(subject and keywords) so that ``ticcoop verify-certificate FILE.pdf`` can read it back.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ticcoop.certificates import signed
from ticcoop.certificates.models import Certificate, CertificateStatus, CertificateVersion
from ticcoop.pdfs import FONT, QrCode, Watermark, build_pdf, text, token_metadata

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=22, leading=30, alignment=1)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=14, leading=20, alignment=1)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17)
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=7.5, leading=9.5, wordWrap="CJK")
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=11)


def _facts(certificate: Certificate, version: CertificateVersion) -> Table:
    region = certificate.issuing_region
    issuer = region.name_zh + "市场监督管理局" if region else "国家认证认可监督管理委员会"
    rows = [
        ("证书编号", certificate.number),
        ("机构名称", version.institution_name),
        ("统一社会信用代码", version.credit_code),
        ("地址", certificate.institution.address),
        ("发证日期", version.issue_date.isoformat()),
        ("有效期至", version.expiry_date.isoformat()),
        ("本版状态", str(CertificateStatus(version.status).label)),
        ("版本", f"第{version.number}版（{version.get_action_display()}）"),
        ("发证机关", issuer),
    ]
    data = [[Paragraph(k, BODY), Paragraph(text(v), BODY)] for k, v in rows]
    table = Table(data, colWidths=[40 * mm, 120 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _scope_table(version: CertificateVersion) -> Table:
    header = ["序号", "类别", "检测对象", "项目/参数", "标准（方法）编号及条款", "限制范围/说明"]
    data: list[list[Any]] = [[Paragraph(h, CELL) for h in header]]
    for index, row in enumerate(version.scope, start=1):
        standard = row["standard_code"] + (f" {row['clause']}" if row.get("clause") else "")
        cells = [str(index), row["category"], row["product"], row["parameter"], standard]
        data.append([Paragraph(text(c), CELL) for c in [*cells, row.get("limits", "")]])
    widths = [10 * mm, 22 * mm, 32 * mm, 32 * mm, 42 * mm, 32 * mm]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


WATERMARK_WORDS = {
    CertificateStatus.REVOKED: "已撤销",
    CertificateStatus.SUSPENDED: "已暂停",
    CertificateStatus.CANCELLED: "已注销",
    CertificateStatus.EXPIRED: "已过期",
}


def watermark_for(certificate: Certificate, version: CertificateVersion) -> Watermark | None:
    """None while the printed version is the current one and the certificate is valid."""
    status = certificate.effective_status()
    label = str(CertificateStatus(status).label)
    if version.number != certificate.version:
        line = (
            f"本件为第{version.number}版，已被第{certificate.version}版替代；"
            f"证书当前状态：{label}。以核验页面为准。"
        )
        return Watermark("已被替代", line)
    word = WATERMARK_WORDS.get(CertificateStatus(status))
    if word is None:
        return None
    since = (
        f"（{certificate.status_changed_at.date().isoformat()}）"
        if certificate.status_changed_at and status != CertificateStatus.EXPIRED
        else ""
    )
    return Watermark(word, f"本证书{word}{since}，不再作为资质证明使用。以核验页面为准。")


def render_certificate_pdf(
    certificate: Certificate,
    version: CertificateVersion | None = None,
    base_url: str | None = None,
) -> bytes:
    """The PDF of ``version`` (default: the current one) as bytes."""
    version = version or certificate.versions.get(number=certificate.version)
    url = signed.verify_url(certificate.number, version.token, base_url)
    story: list[Flowable] = [
        Paragraph("检验检测机构资质认定证书", TITLE),
        Spacer(1, 8 * mm),
        _facts(certificate, version),
        Spacer(1, 6 * mm),
        Paragraph(
            "经审查，该机构已具备国家有关法律、行政法规规定的基本条件和能力，"
            "现予批准，可以向社会出具具有证明作用的数据和结果，特发此证。"
            "资质认定包括检验检测机构计量认证。能力范围见附表。",
            BODY,
        ),
        Spacer(1, 6 * mm),
        QrCode(url, 45 * mm),
        Paragraph("扫码核验：证书当前状态以核验页面为准（撤销、暂停会即时显示）。", SMALL),
        Paragraph(f"核验网址：{text(url)}", SMALL),
        Paragraph(f"签名令牌：{text(version.token)}", SMALL),
        PageBreak(),
        Paragraph(
            f"附表：能力范围（证书编号 {certificate.number}，第{version.number}版）", HEADING
        ),
        Spacer(1, 4 * mm),
        _scope_table(version),
        Spacer(1, 3 * mm),
        Paragraph(f"能力范围摘要（SHA-256）：{version.scope_digest}", SMALL),
    ]
    return build_pdf(
        story,
        watermark_for(certificate, version),
        pagesize=A4,
        title=f"检验检测机构资质认定证书 {certificate.number}",
        **token_metadata(version.token),
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
    )
