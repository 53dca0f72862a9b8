"""The one-page PDF of a signed submission receipt (token in text and metadata, so that
``ticcoop verify-certificate RECEIPT.pdf`` checks it offline)."""

from __future__ import annotations

import json

from django.utils import timezone
from django.utils.html import escape
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from ticcoop.pdfs import build_pdf, token_metadata
from ticcoop.proficiency.models import SubmissionReceipt
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
