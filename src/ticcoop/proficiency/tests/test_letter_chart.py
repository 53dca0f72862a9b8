"""The z-score chart of a participant's letter: its own score marked where it belongs."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from ticcoop.proficiency import letter_chart as lc
from ticcoop.proficiency import report as pt_report
from ticcoop.proficiency import services
from ticcoop.proficiency.models import Score
from ticcoop.proficiency.tests import factories as pf


def test_strip_positions_and_tick_runs() -> None:
    assert lc.strip_x(-4.0) == 0 and lc.strip_x(4.0) == pytest.approx(lc.PLOT_W)
    assert lc.strip_x(0.0) == pytest.approx(lc.PLOT_W / 2)
    assert lc.strip_x(2.0) == pytest.approx(lc.PLOT_W * 0.75)
    assert lc.strip_x(9.5) == lc.strip_x(4.0) and lc.strip_x(-7.0) == 0  # clipped to the edge
    # neighbouring columns merge into one run; a lone score is a run of its own
    assert lc.tick_runs([0.0, 0.0, 8 / lc.PLOT_W, 3.0, None], width=lc.PLOT_W) == [
        (round(lc.PLOT_W / 2), round(lc.PLOT_W / 2) + 1),
        (round(lc.strip_x(3.0)), round(lc.strip_x(3.0))),
    ]


def test_own_marker_sits_at_the_participants_z() -> None:
    backdrop = lc.Backdrop.of([-1.0, 0.5, 2.5])
    assert "re" in backdrop.operators and "Tf" not in backdrop.operators  # paths, no text
    marks = [lc.Mark("铅", "z", 2.5, "2.50", backdrop), lc.Mark("镉", "z", None, "—", backdrop)]
    [(x, y), missing] = lc.marker_positions(marks)
    assert x == pytest.approx(lc.NAME_W + lc.strip_x(2.5)) and missing is None
    assert y == pytest.approx(lc.chart_height(2) - lc.HEAD_H - lc.STRIP_H / 2)  # first strip
    far = lc.marker_positions([lc.Mark("汞", "z", -6.1, "-6.10", backdrop)])[0]
    assert far is not None and far[0] == pytest.approx(lc.NAME_W)  # on the edge at −4


@pytest.mark.django_db
def test_letter_pdf_carries_the_chart_with_the_labs_z() -> None:
    rnd, actor = pf.closed_round()
    run = services.evaluate_round(actor, rnd)
    participant = rnd.participants.select_related("institution").order_by("code")[0]
    score = Score.objects.get(participant=participant)
    pdf = pt_report.letter_pdf(run, participant)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert "本实验室" in text and "其他参加者" in text and "z值图" in text
    evaluation = run.measurands.get()
    row = evaluation.outputs["rows"][evaluation.inputs["codes"].index(participant.code)]
    assert score.z == pytest.approx(row["z"])
    assert text.count(f"z={row['z_printed']}") == 2  # the table row and the chart's label
