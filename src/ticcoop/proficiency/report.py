"""The round report (PDF, Chinese, ReportLab with the built-in CID font STSong-Light).

Built only from a stored evaluation (participant codes, never institution names), so the
report of a published round is reproducible. Per-participant letters are one page each and
are not part of the public report; each participant downloads its own.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import timezone
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ticcoop.pdfs import FONT, build_pdf, para, text
from ticcoop.proficiency import labels
from ticcoop.proficiency.charts import ChartData, chart_text, report_image
from ticcoop.proficiency.models import (
    CheckKind,
    EvaluationRun,
    ItemCheck,
    MeasurandEvaluation,
    Participant,
    Performance,
)

TITLE = ParagraphStyle("pt-title", fontName=FONT, fontSize=18, leading=26, alignment=1)
H2 = ParagraphStyle("pt-h2", fontName=FONT, fontSize=13, leading=20, spaceBefore=8)
BODY = ParagraphStyle("pt-body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
SMALL = ParagraphStyle("pt-small", fontName=FONT, fontSize=8, leading=11, wordWrap="CJK")
ROWS_PER_TABLE = 45
LABEL = dict(Performance.choices)
GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
)


def fmt(value: float | None, decimals: int = 2) -> str:
    return "—" if value is None else f"{value:.{decimals}f}"


def printed(row: dict[str, Any], key: str) -> str:
    """A score as printed and classified (two decimals half-up from the decimals); rows
    stored before the printed figures were kept fall back to the float."""
    value = row.get(f"{key}_printed")
    return str(value) if value is not None else fmt(row[key])


def _tables(header: list[str], rows: Iterable[list[Any]], widths: list[float]) -> list[Flowable]:
    """Long tables as chunks: ReportLab re-splits one huge table quadratically."""
    out: list[Flowable] = []
    chunk: list[list[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == ROWS_PER_TABLE:
            out.append(Table([header, *chunk], colWidths=widths, style=GRID))
            chunk = []
    if chunk or not out:
        out.append(Table([header, *chunk], colWidths=widths, style=GRID))
    return out


def _summary(run: EvaluationRun, evaluations: list[MeasurandEvaluation]) -> list[Flowable]:
    round_, scheme = run.round, run.round.scheme
    local = timezone.localtime
    facts = [
        ("能力验证计划", f"{scheme.code} {scheme.name}"),
        ("组织地区 / 提供者", f"{scheme.organising_region.name_zh} / {scheme.provider_name}"),
        ("领域", scheme.field),
        ("轮次", f"{round_.code} {round_.title}"),
        ("结果提交截止", local(round_.results_due).strftime("%Y-%m-%d %H:%M")),
        ("参加者数", str(round_.participants.count())),
        ("指定值", scheme.get_x_pt_method_display()),
        ("稳健统计", f"{scheme.get_robust_method_display()}，{scheme.get_stopping_rule_display()}"),
        ("σ_pt", scheme.get_sigma_method_display()),
        ("删失值", scheme.get_censor_rule_display()),
        ("评价", f"第 {run.number} 次评价，{local(run.created_at).strftime('%Y-%m-%d %H:%M')}"),
        ("软件版本", run.software_version),
    ]
    if run.reason:
        facts.append(("重新评价理由", run.reason))
    if run.min_participants_override:
        facts.append(("参加者不足仍评价的理由", run.min_participants_override))
    story: list[Flowable] = [
        Paragraph(f"能力验证结果报告<br/>{text(round_.code)}", TITLE),
        Spacer(1, 6 * mm),
        Table(
            [[Paragraph(k, SMALL), para(v, SMALL)] for k, v in facts],
            colWidths=[40 * mm, 130 * mm],
            style=GRID,
        ),
        Paragraph("指定值与能力评定标准差（ISO 13528:2022）", H2),
    ]
    header = [
        "测量项目",
        "单位",
        "p",
        "x_pt",
        "u(x_pt)",
        "σ_pt",
        "σ_pt 依据",
        "估计方法",
        "迭代",
        "统计量",
    ]
    rows = []
    for e in evaluations:
        d = e.measurand.decimals + 1
        robust = e.outputs.get("robust") or {}
        rows.append(
            [
                para(e.measurand.name, SMALL),
                e.measurand.unit,
                e.p,
                fmt(e.x_pt, d),
                fmt(e.u_x_pt, d),
                fmt(e.sigma_pt, d),
                para(labels.source_label(e.outputs["sigma"]["source"]), SMALL),
                para(labels.estimator_label(e.estimator, robust.get("stopping_rule") or ""), SMALL),
                e.iterations,
                e.z_used,
            ]
        )
    widths = [w * mm for w in (26, 14, 8, 16, 16, 16, 30, 22, 10, 12)]
    story.extend(_tables(header, rows, widths))
    return story


def _item_checks(checks: list[ItemCheck]) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("样品均匀性和稳定性", H2)]
    if not checks:
        return [*story, Paragraph("本轮未录入均匀性/稳定性检验数据。", BODY)]
    header = ["测量项目", "检验", "统计量", "判据", "结论", "处理决定"]
    rows = []
    for c in checks:
        r = c.result
        stat = (
            f"s_s={r['s_s']:.4g}"
            if c.kind == CheckKind.HOMOGENEITY
            else (f"|Δ|={r['difference']:.4g}")
        )
        decision = c.get_decision_display() + (f"：{c.decision_reason}" if c.decision else "")
        rows.append(
            [
                c.measurand.name,
                c.get_kind_display(),
                stat,
                f"0.3σ={r['criterion']:.4g}",
                "通过" if c.passed else "未通过",
                para(decision if not c.passed else "—", SMALL),
            ]
        )
    return story + _tables(header, rows, [w * mm for w in (30, 16, 30, 30, 16, 48)])


def _results(e: MeasurandEvaluation) -> list[Flowable]:
    d = e.measurand.decimals
    inputs, rows = e.inputs, e.outputs["rows"]
    z_key = "z" if e.z_used == "z" else "z_prime"
    header = ["参加者代码", "结果", "U", "k", e.z_used, "ζ", "En", "评价"]
    table = (
        [
            code,
            reported,
            fmt(u, d),
            fmt(k, 1),
            printed(row, z_key),
            fmt(row["zeta"]),
            fmt(row["en"]),
            LABEL.get(row["performance"], row["performance"]),
        ]
        for code, reported, u, k, row in zip(
            inputs["codes"],
            inputs["reported"],
            inputs["expanded_u"],
            inputs["k"],
            rows,
            strict=True,
        )
    )
    title = f"{e.measurand.name}（{e.measurand.unit}）：结果与评分"
    widths = [w * mm for w in (28, 24, 20, 12, 18, 18, 18, 24)]
    return [para(title, H2), *_tables(header, table, widths)]


def _charts(e: MeasurandEvaluation) -> list[Flowable]:
    image = report_image(ChartData.from_evaluation(e.inputs, e.outputs), text=chart_text())
    caption = (
        f"{e.measurand.name}：结果直方图与核密度（竖线为 x_pt、x_pt±2σ_pt、x_pt±3σ_pt），"
        f"排序的 {e.z_used} 值，ζ 值与 En 值"
    )
    return [
        PageBreak(),
        para(caption, BODY),
        Image(io.BytesIO(image), width=170 * mm, height=222 * mm),
    ]


def _letter(
    run: EvaluationRun,
    code: str,
    evaluations: list[MeasurandEvaluation],
    addressee: str = "",
    index: dict[int, dict[str, int]] | None = None,
) -> list[Flowable]:
    round_ = run.round
    index = index or _code_index(evaluations)
    rows = []
    for e in evaluations:
        i = index[e.pk].get(code)
        if i is None:
            continue
        row = e.outputs["rows"][i]
        d = e.measurand.decimals
        z = printed(row, "z" if e.z_used == "z" else "z_prime")
        rows.append(
            [
                e.measurand.name,
                e.inputs["reported"][i],
                fmt(e.x_pt, d + 1),
                fmt(e.sigma_pt, d + 1),
                f"{e.z_used}={z}",
                fmt(row["zeta"]),
                fmt(row["en"]),
                LABEL.get(row["performance"], row["performance"]),
            ]
        )
    to = f"{addressee}（参加者代码 {code}）" if addressee else f"参加者 {code}"
    region, scheme_name = round_.scheme.organising_region.name_zh, round_.scheme.name
    letter = (
        f"致{text(to)}：<br/>贵单位参加了{text(region)}组织的能力验证"
        f"“{text(scheme_name)}”{text(round_.code)} 轮次。本轮评价结果如下（依据 ISO 13528:2022；"
        "|z| ≤ 2 满意，2 < |z| < 3 有问题，|z| ≥ 3 不满意）。对“有问题”或“不满意”的结果，"
        "请在平台上按期提交原因分析、纠正措施和证据。"
    )
    header = ["测量项目", "结果", "x_pt", "σ_pt", "z/z′", "ζ", "En", "评价"]
    widths = [w * mm for w in (30, 22, 20, 20, 24, 16, 16, 20)]
    return [
        PageBreak(),
        para(f"能力验证结果通知书 · {code}", TITLE),
        Spacer(1, 4 * mm),
        Paragraph(letter, BODY),
        Spacer(1, 4 * mm),
        *_tables(header, rows, widths),
        Spacer(1, 8 * mm),
        para(round_.scheme.provider_name, BODY),
    ]


def _code_index(evaluations: list[MeasurandEvaluation]) -> dict[int, dict[str, int]]:
    return {e.pk: {code: i for i, code in enumerate(e.inputs["codes"])} for e in evaluations}


@contextmanager
def _without_ascii85() -> Iterator[None]:
    """Binary streams: ASCII85 (pure Python without rl_accel) doubles the cost of images."""
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def _evaluations(run: EvaluationRun) -> list[MeasurandEvaluation]:
    return list(run.measurands.select_related("measurand").order_by("measurand__order", "pk"))


def _build(story: list[Flowable], title: str) -> bytes:
    with _without_ascii85():
        return build_pdf(
            story,
            pagesize=A4,
            title=title,
            author="ticcoop",
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=16 * mm,
            bottomMargin=16 * mm,
        )


def round_report_pdf(run: EvaluationRun) -> bytes:
    """Summary, x_pt/σ_pt, item checks, results and scores by code, charts (no letters)."""
    evaluations = _evaluations(run)
    checks = list(run.round.item_checks.select_related("measurand").order_by("measurand", "kind"))
    story = _summary(run, evaluations) + _item_checks(checks)
    for e in evaluations:
        story += [PageBreak(), *_results(e), *_charts(e)]
    # No letters here: the report is public, each letter goes only to its participant.
    return _build(story, f"能力验证结果报告 {run.round.code}")


def letter_pdf(run: EvaluationRun, participant: Participant) -> bytes:
    """The one-page letter of one participant, addressed to its institution."""
    story = _letter(run, participant.code, _evaluations(run), participant.institution.name)
    return _build(story[1:], f"能力验证结果通知书 {participant.code}")
