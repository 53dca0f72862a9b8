"""The one-page PDFs of a signed submission receipt and of a participation certificate (token
in text and metadata, so that ``ticcoop verify-certificate FILE.pdf`` checks them offline)."""

from __future__ import annotations

import json

from django.utils import timezone
from django.utils.html import escape
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from ticcoop.pdfs import QrCode, build_pdf, token_metadata
from ticcoop.proficiency.models import ParticipationCertificate, SubmissionReceipt
from ticcoop.proficiency.report import BODY, GRID, SMALL, TITLE


def receipt_pdf(receipt: SubmissionReceipt) -> bytes:
    participant = receipt.participant
    code = escape(participant.code)
    round_ = participant.round
    received = timezone.localtime(receipt.received_at).strftime("%Y-%m-%d %H:%M:%S %Z")
    rows = [["测量项目", "版本", "报告值", "U", "k", "方法"]]
    # the lines exactly as signed (the canonical content), not the database's current rows
    for name, version, reported, u, k, method, _source in json.loads(receipt.content)["results"]:
        rows.append(
            [
                escape(name),
                str(version),
                escape(reported),
                "" if u is None else f"{u:g}",
                "" if k is None else f"{k:g}",
                escape(method),
            ]
        )
    story = [
        Paragraph(
            f"能力验证结果提交回执<br/>{escape(round_.code)} · {escape(participant.code)}", TITLE
        ),
        Spacer(1, 6 * mm),
        Paragraph(
            f"平台于 {received} 收到参加者 {code} 的结果（第 {receipt.number} 次提交），内容如下。",
            BODY,
        ),
        Spacer(1, 4 * mm),
        Table(rows, style=GRID),
        Spacer(1, 6 * mm),
        Paragraph(f"提交内容（规范化 JSON）：{escape(receipt.content)}", SMALL),
        Paragraph(f"SHA-256：{receipt.digest}", SMALL),
        Paragraph(f"签名令牌：{escape(receipt.token)}", SMALL),
        Paragraph(
            "离线核验：ticcoop verify-certificate 本文件 --keys ticcoop-keys.json；"
            "对上面的规范化 JSON（UTF-8）计算 SHA-256 应与签名中的 sha256 相同。",
            SMALL,
        ),
    ]
    return build_pdf(
        story,
        pagesize=A4,
        title=f"能力验证结果提交回执 {round_.code} {participant.code} #{receipt.number}",
        **token_metadata(receipt.token),
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )


def participation_certificate_pdf(certificate: ParticipationCertificate) -> bytes:
    """参加证明: the signed facts in words, the canonical content, its SHA-256, the token as
    text, as QR code and in the metadata (``ticcoop verify-certificate`` reads it offline)."""
    facts = json.loads(certificate.content)
    issued = timezone.localtime(certificate.issued_at).strftime("%Y-%m-%d")
    measurands = "、".join(facts["measurands"])
    story = [
        Paragraph("能力验证参加证明", TITLE),
        Spacer(1, 8 * mm),
        Paragraph(
            f"兹证明 {escape(facts['institution'])}（统一社会信用代码 {escape(facts['ucc'])}）"
            f"以参加者代码 {escape(facts['code'])} 参加了 {escape(facts['provider'])} "
            f"组织的能力验证计划“{escape(facts['scheme'])}”{escape(facts['round'])} 轮次，"
            f"测量项目：{escape(measurands)}。该轮次的结果报告为 {escape(facts['report'])}；"
            "各项目的评价结果见发给本单位的结果通知书。",
            BODY,
        ),
        Spacer(1, 6 * mm),
        Paragraph(f"证明编号：{escape(certificate.number)}　签发日期：{issued}", BODY),
        Spacer(1, 6 * mm),
        QrCode(certificate.token, 42 * mm),
        Spacer(1, 4 * mm),
        Paragraph(f"证明内容（规范化 JSON）：{escape(certificate.content)}", SMALL),
        Paragraph(f"SHA-256：{certificate.digest}", SMALL),
        Paragraph(f"签名令牌：{escape(certificate.token)}", SMALL),
        Paragraph(
            "离线核验：ticcoop verify-certificate 本文件 --keys ticcoop-keys.json（公钥集见 "
            "/.well-known/ticcoop-keys.json）；对上面的规范化 JSON（UTF-8）计算 SHA-256 "
            "应与签名中的 sha256 相同。二维码内容即签名令牌。",
            SMALL,
        ),
    ]
    return build_pdf(
        story,
        pagesize=A4,
        title=f"能力验证参加证明 {certificate.number}",
        **token_metadata(certificate.token),
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
