"""The campaign summary report: as data (for the page and the API) and as a PDF.

The PDF uses ReportLab's built-in CID font STSong-Light (Adobe-GB1, see ticcoop.pdfs), so no
font file is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ticcoop.assessments.models import Severity
from ticcoop.inspections.models import Campaign, CampaignTarget, FindingStatus, TargetStatus
from ticcoop.inspections.queries import findings_of_campaign, overdue
from ticcoop.pdfs import FONT, build_pdf, text


@dataclass
class RegionRow:
    code: str
    name: str
    targets: int = 0  # institutions it had to inspect
    inspected: int = 0
    findings_raised: int = 0
    findings_received: int = 0
    accepted_received: int = 0
    overdue_received: int = 0

    @property
    def rectification_rate(self) -> float | None:
        return self.accepted_received / self.findings_received if self.findings_received else None


@dataclass
class Summary:
    campaign: Campaign
    pairs: list[dict[str, Any]]
    targets: int
    inspected: int
    findings: int
    accepted: int
    overdue: int
    by_clause: list[dict[str, Any]]
    regions: list[RegionRow]

    @property
    def rectification_rate(self) -> float | None:
        return self.accepted / self.findings if self.findings else None


def campaign_summary(campaign: Campaign, today: date | None = None) -> Summary:
    day = today or timezone.localdate()
    findings = findings_of_campaign(campaign)
    targets = CampaignTarget.objects.filter(pair__campaign=campaign)
    pairs = [
        {
            "inspecting": pair.inspecting,
            "inspected": pair.inspected,
            "repeated": pair.repeated,
            "targets": pair.n_targets,
            "inspected_count": pair.n_inspected,
            "findings": findings.filter(target__pair=pair).count(),
        }
        for pair in campaign.pairs.select_related("inspecting", "inspected").annotate(
            n_targets=Count("targets", distinct=True),
            n_inspected=Count(
                "targets", filter=Q(targets__status=TargetStatus.INSPECTED), distinct=True
            ),
        )
    ]
    by_clause = list(
        findings.values("clause__number", "clause__title")
        .annotate(
            major=Count("pk", filter=Q(severity=Severity.MAJOR)),
            minor=Count("pk", filter=Q(severity=Severity.MINOR)),
            total=Count("pk"),
        )
        .order_by("-total", "clause__number")
    )
    regions = {
        r.code: RegionRow(r.code, r.short_name) for r in campaign.participants.order_by("code")
    }
    for pair in pairs:
        row = regions[pair["inspecting"].code]
        row.targets += pair["targets"]
        row.inspected += pair["inspected_count"]
        row.findings_raised += pair["findings"]
    late = set(overdue(findings, day).values_list("pk", flat=True))
    for pk, code, status in findings.values_list("pk", "target__pair__inspected__code", "status"):
        row = regions[code]
        row.findings_received += 1
        row.accepted_received += status == FindingStatus.ACCEPTED
        row.overdue_received += pk in late
    return Summary(
        campaign=campaign,
        pairs=pairs,
        targets=targets.count(),
        inspected=targets.filter(status=TargetStatus.INSPECTED).count(),
        findings=findings.count(),
        accepted=findings.filter(status=FindingStatus.ACCEPTED).count(),
        overdue=len(late),
        by_clause=by_clause,
        regions=list(regions.values()),
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def summary_pdf(summary: Summary) -> bytes:
    styles = getSampleStyleSheet()
    for name in ("Title", "Heading2", "Normal"):
        styles[name].fontName = FONT
    campaign = summary.campaign
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ]
    )

    def table(rows: list[list[Any]]) -> Table:
        made = Table([[str(cell) for cell in row] for row in rows], repeatRows=1)
        made.setStyle(grid)
        return made

    story: list[Any] = [
        Paragraph(_("%(title)s 总结报告") % {"title": text(campaign)}, styles["Title"]),
        Paragraph(
            _(
                "抽中机构 %(t)d 家，已检查 %(i)d 家；发现问题 %(f)d 个，"
                "整改通过 %(a)d 个，整改率 %(r)s，逾期 %(o)d 个。"
            )
            % {
                "t": summary.targets,
                "i": summary.inspected,
                "f": summary.findings,
                "a": summary.accepted,
                "r": _percent(summary.rectification_rate),
                "o": summary.overdue,
            },
            styles["Normal"],
        ),
        Paragraph(
            _("公开随机种子：%(seed)s") % {"seed": text(campaign.seed or "—")}, styles["Normal"]
        ),
        Spacer(1, 8),
        Paragraph(_("检查对子"), styles["Heading2"]),
        table(
            [[_("检查方"), _("被检查方"), _("抽中机构"), _("已检查"), _("问题数")]]
            + [
                [
                    p["inspecting"].short_name,
                    p["inspected"].short_name,
                    p["targets"],
                    p["inspected_count"],
                    p["findings"],
                ]
                for p in summary.pairs
            ]
        ),
        Paragraph(_("问题按条款和严重程度"), styles["Heading2"]),
        table(
            [[_("条款"), _("条款名称"), _("严重"), _("一般"), _("合计")]]
            + [
                [c["clause__number"], c["clause__title"], c["major"], c["minor"], c["total"]]
                for c in summary.by_clause
            ]
        ),
        Paragraph(_("地区比较"), styles["Heading2"]),
        table(
            [
                [
                    _("地区"),
                    _("应检查"),
                    _("已检查"),
                    _("发现问题"),
                    _("被发现问题"),
                    _("整改率"),
                    _("逾期"),
                ]
            ]
            + [
                [
                    r.name,
                    r.targets,
                    r.inspected,
                    r.findings_raised,
                    r.findings_received,
                    _percent(r.rectification_rate),
                    r.overdue_received,
                ]
                for r in summary.regions
            ]
        ),
    ]
    return build_pdf(story, pagesize=A4, title=str(campaign))
