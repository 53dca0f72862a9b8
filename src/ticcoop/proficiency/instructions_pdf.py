"""The PDF of a round's instructions to participants (参加须知/作业指导书), one version.

Every user-typed value reaches a Paragraph through ``ticcoop.pdfs.text``/``para`` (the one
escaping helper for PDFs). A superseded version carries a watermark naming the version that
replaced it, so a printout of an old version cannot pass for the current one.
"""

from __future__ import annotations

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from ticcoop.pdfs import FONT, Watermark, build_pdf, para, text
from ticcoop.proficiency.models import Instructions

TITLE = ParagraphStyle("pti-title", fontName=FONT, fontSize=17, leading=25, alignment=1)
H2 = ParagraphStyle("pti-h2", fontName=FONT, fontSize=12.5, leading=19, spaceBefore=8)
BODY = ParagraphStyle("pti-body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
SMALL = ParagraphStyle("pti-small", fontName=FONT, fontSize=8, leading=11, wordWrap="CJK")
GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 9),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
)
LATE_RULE = (
    "结果须在上述截止时间前通过平台提交（网页填报或 CSV/XLSX 文件上传），截止前可更正，"
    "以最后一版为准。截止后平台拒绝提交；仅当提供者因正当理由（如样品运输延误或破损补发）"
    "为某一参加者批准延期并记录理由时，该参加者可在延期截止前提交。所有延期到期前不截止结果，"
    "因此按时及经批准延期提交的结果均参加统计；未提交结果的项目不评价。"
)
CONFIDENTIALITY = (
    "参加者代码仅本机构和提供者知道，报告只列代码。请勿与其他参加者交流结果；"
    "样品请按日常样品检测，不得送其他实验室检测。"
)


def _paragraphs(value: str, style: ParagraphStyle) -> list[Flowable]:
    """User text with its line breaks kept, every line escaped."""
    return [para(line, style) for line in value.splitlines() if line.strip()] or [
        Paragraph("—", style)
    ]


def _local(moment: object) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]


def instructions_story(
    document: Instructions, current_version: int
) -> tuple[list[Flowable], Watermark | None]:
    """The flowables of the document and, for a superseded version, its watermark."""
    round_ = document.round
    scheme = round_.scheme
    facts = [
        ["能力验证计划", f"{scheme.code} {scheme.name}"],
        ["轮次", f"{round_.code} {round_.title}"],
        ["能力验证提供者", scheme.provider_name],
        ["组织地区", scheme.organising_region.name_zh],
        ["结果提交截止", _local(round_.results_due)],
        ["版本", f"第 {document.version} 版（{_local(document.edited_at)}）"],
    ]
    story: list[Flowable] = [
        Paragraph(f"能力验证参加须知（作业指导书）<br/>{text(round_.code)}", TITLE),
        Spacer(1, 5 * mm),
        Table(facts, colWidths=[38 * mm, 132 * mm], style=GRID),
    ]
    if document.version > 1:
        story.append(Spacer(1, 3 * mm))
        story.append(
            Paragraph(
                f"本版更正第 {document.version - 1} 版，更正理由：{text(document.reason)}", BODY
            )
        )
    story += [
        Paragraph("一、样品接收、储存和处理", H2),
        *_paragraphs(document.sample_handling, BODY),
    ]
    story.append(
        Paragraph("收到样品后请在平台“我的能力验证”中确认收样日期和样品状态（完好/破损）。", BODY)
    )
    rows = [["测量项目", "单位", "报告小数位数"]]
    rows += [[m.name, m.unit, str(m.decimals)] for m in scheme.measurands.all()]
    story += [
        Paragraph("二、结果报告要求", H2),
        Table(rows, colWidths=[70 * mm, 50 * mm, 50 * mm], style=GRID),
        Spacer(1, 2 * mm),
        Paragraph("网页填报的结果不得超过上表的小数位数；小于检出限的结果以“<检出限”报告。", BODY),
    ]
    if document.reporting:
        story += _paragraphs(document.reporting, BODY)
    if scheme.method_requirements:
        story.append(para(f"方法要求：{scheme.method_requirements}", BODY))
    story += [
        Paragraph("三、结果提交截止和逾期结果", H2),
        Paragraph(f"结果提交截止：{_local(round_.results_due)}。{LATE_RULE}", BODY),
        Paragraph("四、保密", H2),
        Paragraph(CONFIDENTIALITY, BODY),
        Paragraph("五、联系方式", H2),
        para(document.contact, BODY),
        Spacer(1, 6 * mm),
        Paragraph(
            "本须知由平台生成；样品发放后的更正以新版本发布，旧版本保留并标明已被取代。", SMALL
        ),
    ]
    watermark = None
    if document.version < current_version:
        watermark = Watermark(
            "已被取代", f"本版本已被第 {current_version} 版取代，请以最新版本为准"
        )
    return story, watermark


def plain_text(story: list[Flowable]) -> str:
    """What the story prints (paragraphs and table cells), for tests and checks."""
    parts: list[str] = []
    for flowable in story:
        if isinstance(flowable, Paragraph):
            parts.append(flowable.getPlainText())
        elif isinstance(flowable, Table):
            parts += [str(cell) for row in flowable._cellvalues for cell in row]
    return "\n".join(parts)


def instructions_pdf(document: Instructions, current_version: int) -> bytes:
    story, watermark = instructions_story(document, current_version)
    round_ = document.round
    return build_pdf(
        story,
        watermark,
        pagesize=A4,
        title=f"能力验证参加须知 {round_.code} 第 {document.version} 版",
        author=round_.scheme.provider_name,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
