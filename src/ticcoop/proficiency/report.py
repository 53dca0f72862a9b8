"""The round report (PDF, Chinese, ReportLab with the built-in CID font STSong-Light).

Built only from a stored evaluation (participant codes, never institution names) and the
revision's particulars, so a revision is reproducible. Its sections follow ISO/IEC 17043:2023
clause 7.4 (checklist: docs/methods/pt-report.md); every page carries the report number,
the revision and "page x of y". Per-participant letters are one page each and are not part
of the public report; each participant downloads its own (``letters_pdfs``).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ticcoop.pdfs import AUTHOR, FONT, build_pdf, para, text
from ticcoop.proficiency import labels
from ticcoop.proficiency.charts import stored_report_image
from ticcoop.proficiency.letter_chart import Backdrop, LetterChart, Mark
from ticcoop.proficiency.models import (
    CheckKind,
    EvaluationRun,
    ItemCheck,
    MeasurandEvaluation,
    Participant,
    Performance,
)
from ticcoop.proficiency.pdf_tables import GridTable

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
UNSPECIFIED = "（未指定）"
NO_EXTERNAL = "无外部提供的活动"
CONFIDENTIALITY = (
    "本报告只以参加者代码标识结果。代码与机构的对应关系只由能力验证提供者（组织地区的监管部门）"
    "和参加者本身知悉，不向任何第三方披露；各参加者的结果通知书只发给该参加者。"
    "参加者可以自行向认可机构或客户公开本单位的结果。"
)
REFERENCES = (
    "ISO 13528:2022 Statistical methods for use in proficiency testing by interlaboratory "
    "comparison（稳健统计：附录 C 算法 A、Q/Hampel 法；z 值 9.4，z′ 值 9.5，ζ 值 9.6，"
    "En 值 9.7；均匀性和稳定性：附录 B）",
    "ISO/IEC 17043:2023 Conformity assessment — General requirements for the competence of "
    "proficiency testing providers（7.4 报告）",
    "CNAS-RL02《能力验证规则》；CNAS-CL03《能力验证提供者认可准则》",
)
CRITERIA = (
    "评价准则：|z|（或 |z′|、|ζ|）≤ 2 满意，2 < |z| < 3 有问题，|z| ≥ 3 不满意；"
    "|En| ≤ 1 满意，|En| > 1 不满意。得分按打印的两位小数（四舍五入）判定。"
)


@dataclass(frozen=True)
class ReportMeta:
    """What identifies one issued revision (printed on every page)."""

    number: str = "（未签发草稿）"
    revision: int = 0
    issued_at: datetime | None = None
    reason: str = ""
    particulars: dict[str, str] = field(default_factory=dict)
    history: Sequence[tuple[int, datetime, str]] = ()

    def get(self, name: str) -> str:
        return self.particulars.get(name, "").strip()

    @property
    def footer(self) -> str:
        return f"报告编号 {self.number} · 第 {self.revision} 版"


def fmt(value: float | None, decimals: int = 2) -> str:
    return "—" if value is None else f"{value:.{decimals}f}"


def printed(row: dict[str, Any], key: str) -> str:
    """A score as printed and classified (two decimals half-up from the decimals); rows
    stored before the printed figures were kept fall back to the float."""
    value = row.get(f"{key}_printed")
    return str(value) if value is not None else fmt(row[key])


def _day(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else "—"


def _tables(header: list[str], rows: Iterable[list[Any]], widths: list[float]) -> list[Flowable]:
    """Short tables with Paragraph cells as chunks: ReportLab re-splits one huge table
    quadratically. Long plain tables use ``GridTable``."""
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


def _facts(rows: list[tuple[str, str]]) -> Table:
    cells = [[Paragraph(k, SMALL), para(v, SMALL)] for k, v in rows]
    return Table(cells, colWidths=[42 * mm, 132 * mm], style=GRID)


def _identity(run: EvaluationRun, meta: ReportMeta) -> list[Flowable]:
    """1. Provider, coordinator, signatory, dates, revision (17043 7.4.2 a–e, h, o)."""
    round_, scheme = run.round, run.round.scheme
    facts = [
        ("报告编号", meta.number),
        ("版次", f"第 {meta.revision} 版" if meta.revision else "草稿"),
        ("报告签发日期", _day(meta.issued_at)),
        ("能力验证提供者", f"{scheme.provider_name}（{scheme.organising_region.name_zh}）"),
        ("提供者联系方式", meta.get("contact") or UNSPECIFIED),
        ("外部提供的活动", meta.get("external_activities") or NO_EXTERNAL),
        ("能力验证协调者", meta.get("coordinator") or UNSPECIFIED),
        (
            "报告授权签字人",
            " ".join(filter(None, [meta.get("signatory"), meta.get("signatory_title")]))
            or UNSPECIFIED,
        ),
        ("能力验证计划", f"{scheme.code} {scheme.name}（{scheme.field}）"),
        ("轮次", f"{round_.code} {round_.title}"),
        ("样品发放日期", _day(round_.dispatched_at)),
        ("结果提交截止日期", _day(round_.results_due)),
        ("参加者数", str(round_.participants.count())),
        ("评价", f"第 {run.number} 次评价（{_day(run.created_at)}），软件 {run.software_version}"),
    ]
    if run.reason:
        facts.append(("重新评价理由", run.reason))
    if run.min_participants_override:
        facts.append(("参加者不足仍评价的理由", run.min_participants_override))
    return [
        Paragraph(f"能力验证结果报告<br/>{text(round_.code)}", TITLE),
        Spacer(1, 6 * mm),
        Paragraph("1 报告信息", H2),
        _facts(facts),
        Paragraph("保密声明", H2),
        Paragraph(CONFIDENTIALITY, BODY),
    ]


def _items(run: EvaluationRun, evaluations: list[MeasurandEvaluation], meta: ReportMeta) -> list:
    """2. Description of the proficiency test items (7.4.2 f)."""
    described = meta.get("items_description") or UNSPECIFIED
    rows = [[e.measurand.name, e.measurand.unit, str(e.measurand.decimals)] for e in evaluations]
    return [
        Paragraph("2 能力验证物品描述", H2),
        para(described, BODY),
        Spacer(1, 2 * mm),
        GridTable(["测量项目", "单位", "报告小数位数"], rows, [60 * mm, 40 * mm, 40 * mm]),
    ]


def _check_data(check: ItemCheck) -> str:
    data = check.data
    if check.kind == CheckKind.HOMOGENEITY:
        return "；".join(
            f"样品 {i}：" + "、".join(f"{v:g}" for v in row) for i, row in enumerate(data, 1)
        )
    before = "、".join(f"{v:g}" for v in data.get("before", []))
    after = "、".join(f"{v:g}" for v in data.get("after", []))
    return f"之前：{before}；之后：{after}"


def _item_checks(checks: list[ItemCheck]) -> list[Flowable]:
    """3. Homogeneity and stability with their data (7.4.2 g; ISO 13528:2022 Annex B)."""
    story: list[Flowable] = [Paragraph("3 样品均匀性和稳定性", H2)]
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
    story += _tables(header, rows, [w * mm for w in (30, 16, 30, 30, 16, 48)])
    story.append(Paragraph("检验数据", BODY))
    for c in checks:
        label = f"{c.measurand.name} {c.get_kind_display()}（σ_pt={c.sigma_pt:.4g}）："
        story.append(para(label + _check_data(c), SMALL))
    return story


def _assigned(run: EvaluationRun, evaluations: list[MeasurandEvaluation], meta: ReportMeta) -> list:
    """4–5. Assigned value (method, traceability, uncertainty) and σ_pt with its basis."""
    scheme = run.round.scheme
    traceability = meta.get("traceability") or labels_traceability(scheme.x_pt_method)
    story: list[Flowable] = [
        Paragraph("4 指定值：确定方法、计量溯源性和不确定度", H2),
        para(f"确定方法：{scheme.get_x_pt_method_display()}。", BODY),
        para(
            f"稳健统计：{scheme.get_robust_method_display()}，{scheme.get_stopping_rule_display()}；"
            f"删失值：{scheme.get_censor_rule_display()}。",
            BODY,
        ),
        para(f"计量溯源性：{traceability}", BODY),
        Paragraph("5 能力评定标准差 σ_pt 及其依据", H2),
        para(f"确定方式：{scheme.get_sigma_method_display()}。", BODY),
    ]
    header = ["测量项目", "单位", "p", "x_pt", "u(x_pt)", "σ_pt", "σ_pt 依据", "估计方法"]
    header += ["迭代", "统计量"]
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


def labels_traceability(method: str) -> str:
    return {
        "consensus": "公议值由参加者结果经稳健统计得出，其溯源性取决于参加者的测量，"
        "不单独溯源至测量标准；u(x_pt) = 1.25 s*/√p（ISO 13528:2022 7.7.3）。",
        "formulation": "配制值通过称量和体积测量溯源至 SI，u(x_pt) 由配制过程评定。",
        "certified": "有证标准物质的认定值及其不确定度见其证书，溯源至证书声明的参考。",
        "expert": "专家实验室公议值，溯源至各专家实验室的校准链。",
    }.get(method, UNSPECIFIED)


def _methods() -> list[Flowable]:
    """6. Statistical methods with references (7.4.2 i, j)."""
    story: list[Flowable] = [
        Paragraph("6 统计方法和参考文献", H2),
        Paragraph(
            "z = (x − x_pt)/σ_pt；z′ = (x − x_pt)/√(σ_pt² + u(x_pt)²)，在 u(x_pt) > 0.3σ_pt 时"
            "代替 z；ζ = (x − x_pt)/√(u(x)² + u(x_pt)²)；En = (x − x_pt)/√(U(x)² + U(x_pt)²)。",
            BODY,
        ),
        Paragraph(CRITERIA, BODY),
    ]
    story += [Paragraph(f"参考文献 {i}：{text(r)}", SMALL) for i, r in enumerate(REFERENCES, 1)]
    return story


def _results(e: MeasurandEvaluation) -> list[Flowable]:
    """7. All results and scores by participant code (7.4.2 k, l)."""
    d = e.measurand.decimals
    inputs, rows = e.inputs, e.outputs["rows"]
    z_key = "z" if e.z_used == "z" else "z_prime"
    header = ["参加者代码", "结果", "U", "k", e.z_used, "ζ", "En", "评价"]
    table = [
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
    ]
    title = f"7 {e.measurand.name}（{e.measurand.unit}）：全部结果与评分（按参加者代码）"
    widths = [w * mm for w in (28, 24, 20, 12, 18, 18, 18, 24)]
    return [para(title, H2), GridTable(header, table, widths)]


def _charts(e: MeasurandEvaluation) -> list[Flowable]:
    caption = (
        f"{e.measurand.name}：结果直方图与核密度（竖线为 x_pt、x_pt±2σ_pt、x_pt±3σ_pt），"
        f"排序的 {e.z_used} 值，ζ 值与 En 值"
    )
    image = stored_report_image(e)
    return [
        PageBreak(),
        para(caption, BODY),
        Image(io.BytesIO(image), width=170 * mm, height=222 * mm),
    ]


def _advice(evaluations: list[MeasurandEvaluation], meta: ReportMeta) -> list[Flowable]:
    """8. Comments and advice (7.4.2 m)."""
    story: list[Flowable] = [Paragraph("8 意见和建议", H2)]
    if meta.get("comments"):
        story.append(para(meta.get("comments"), BODY))
    for e in evaluations:
        counts = Counter(row["performance"] for row in e.outputs["rows"])
        story.append(
            para(
                f"{e.measurand.name}：满意 {counts[Performance.SATISFACTORY]}，"
                f"有问题 {counts[Performance.QUESTIONABLE]}，"
                f"不满意 {counts[Performance.UNSATISFACTORY]}，"
                f"未评分 {counts[Performance.NOT_SCORED]}。",
                BODY,
            )
        )
    story.append(
        Paragraph(
            "建议：结果为“有问题”或“不满意”的参加者应查找原因（如计算、单位、方法、校准、"
            "样品处理），在平台上按期提交原因分析、纠正措施和证据；"
            "并结合本单位历次能力验证结果观察是否存在系统性偏移。",
            BODY,
        )
    )
    return story


def _revisions(meta: ReportMeta) -> list[Flowable]:
    """9. Revision record and signature (7.4.3; 7.4.2 d)."""
    rows = [[str(rev), _day(at), reason or "首次签发"] for rev, at, reason in meta.history]
    if meta.revision:
        rows.append([str(meta.revision), _day(meta.issued_at), meta.reason or "首次签发"])
    cells = [[str(a), str(b), para(c, SMALL)] for a, b, c in rows]
    story: list[Flowable] = [Paragraph("9 修订记录", H2)]
    if cells:
        story += _tables(["版次", "签发日期", "修订理由"], cells, [16 * mm, 30 * mm, 128 * mm])
    if meta.history:
        story.append(
            Paragraph(
                f"本版（第 {meta.revision} 版）取代以前各版；以前各版仍可下载，并标为已被取代。",
                BODY,
            )
        )
    signatory = " ".join(filter(None, [meta.get("signatory"), meta.get("signatory_title")]))
    story += [
        Spacer(1, 8 * mm),
        para(f"授权签字人：{signatory or UNSPECIFIED}    签发日期：{_day(meta.issued_at)}", BODY),
        Paragraph("— 报告结束 —", BODY),
    ]
    return story


def _evaluations(run: EvaluationRun) -> list[MeasurandEvaluation]:
    return list(run.measurands.select_related("measurand").order_by("measurand__order", "pk"))


@contextmanager
def _without_ascii85() -> Iterator[None]:
    """Binary streams: ASCII85 (pure Python without rl_accel) doubles the cost of images."""
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def _numbered_canvas(footer: str) -> type[Canvas]:
    """A canvas that prints ``footer · 第 x 页 共 y 页`` on every page (pages are kept until
    the end, when the total is known)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._kept: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._kept.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._kept)
            for number, state in enumerate(self._kept, 1):
                self.__dict__.update(state)
                self.setFont(FONT, 8)
                self.setFillColor(colors.black)
                self.drawCentredString(
                    A4[0] / 2, 9 * mm, f"{footer} · 第 {number} 页 共 {total} 页"
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def _build(story: list[Flowable], title: str, footer: str | None = None) -> bytes:
    margins = {
        "leftMargin": 18 * mm,
        "rightMargin": 18 * mm,
        "topMargin": 16 * mm,
        "bottomMargin": 16 * mm,
    }
    with _without_ascii85():
        if footer is None:
            return build_pdf(story, pagesize=A4, title=title, author="ticcoop", **margins)
        buffer = io.BytesIO()
        document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author=AUTHOR, **margins)
        document.build(story, canvasmaker=_numbered_canvas(footer))
        return buffer.getvalue()


def round_report_pdf(run: EvaluationRun, meta: ReportMeta | None = None) -> bytes:
    """The public report of ``run`` as revision ``meta`` (codes only, no letters)."""
    meta = meta or ReportMeta()
    evaluations = _evaluations(run)
    checks = list(run.round.item_checks.select_related("measurand").order_by("measurand", "kind"))
    story = _identity(run, meta)
    story += _items(run, evaluations, meta) + _item_checks(checks)
    story += _assigned(run, evaluations, meta) + _methods()
    for e in evaluations:
        story += [PageBreak(), *_results(e), *_charts(e)]
    story += [PageBreak(), *_advice(evaluations, meta), *_revisions(meta)]
    # No letters here: the report is public, each letter goes only to its participant.
    return _build(story, f"能力验证结果报告 {meta.number}", meta.footer)


def _letter(
    run: EvaluationRun,
    code: str,
    evaluations: list[MeasurandEvaluation],
    addressee: str = "",
    index: dict[int, dict[str, int]] | None = None,
    backdrops: dict[int, Backdrop] | None = None,
) -> list[Flowable]:
    round_ = run.round
    index = index or _code_index(evaluations)
    backdrops = backdrops or _backdrops(evaluations)
    rows, marks = [], []
    for e in evaluations:
        i = index[e.pk].get(code)
        if i is None:
            continue
        row = e.outputs["rows"][i]
        d = e.measurand.decimals
        key = "z" if e.z_used == "z" else "z_prime"
        z = printed(row, key)
        marks.append(Mark(e.measurand.name, e.z_used, row.get(key), z, backdrops[e.pk]))
        rows.append(
            [
                e.measurand.name,
                e.inputs["reported"][i],
                fmt(e.x_pt, d + 1),
                fmt(e.u_x_pt, d + 1),
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
    header = ["测量项目", "结果", "x_pt", "u(x_pt)", "σ_pt", "z/z′", "ζ", "En", "评价"]
    widths = [w * mm for w in (28, 20, 18, 18, 18, 22, 14, 14, 18)]
    return [
        PageBreak(),
        para(f"能力验证结果通知书 · {code}", TITLE),
        Spacer(1, 4 * mm),
        Paragraph(letter, BODY),
        Spacer(1, 4 * mm),
        GridTable(header, rows, widths),
        Spacer(1, 5 * mm),
        LetterChart(marks),
        Spacer(1, 5 * mm),
        para(round_.scheme.provider_name, BODY),
    ]


def _code_index(evaluations: list[MeasurandEvaluation]) -> dict[int, dict[str, int]]:
    return {e.pk: {code: i for i, code in enumerate(e.inputs["codes"])} for e in evaluations}


def _backdrops(evaluations: list[MeasurandEvaluation]) -> dict[int, Backdrop]:
    """Each measurand's z strip with every participant's tick, drawn once per round."""
    out = {}
    for e in evaluations:
        key = "z" if e.z_used == "z" else "z_prime"
        out[e.pk] = Backdrop.of(row.get(key) for row in e.outputs["rows"])
    return out


def letters_pdfs(run: EvaluationRun, participants: Iterable[Participant]) -> Iterator[bytes]:
    """The letters of ``participants`` (institution loaded), the evaluation read once."""
    evaluations = _evaluations(run)
    index = _code_index(evaluations)
    backdrops = _backdrops(evaluations)
    for participant in participants:
        story = _letter(
            run, participant.code, evaluations, participant.institution.name, index, backdrops
        )
        yield _build(story[1:], f"能力验证结果通知书 {participant.code}")


def letter_pdf(run: EvaluationRun, participant: Participant) -> bytes:
    """The one-page letter of one participant, addressed to its institution."""
    return next(letters_pdfs(run, [participant]))
