"""Evaluation: every input and output stored, recomputable, rendered as report and charts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.test import Client

from ticcoop.methods import iso13528
from ticcoop.proficiency import report as pt_report
from ticcoop.proficiency import services
from ticcoop.proficiency.compute import evaluate_measurand
from ticcoop.proficiency.models import Report, Score
from ticcoop.proficiency.tests import factories as pf
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def test_evaluation_is_stored_and_recomputes_identically() -> None:
    rnd, actor = pf.closed_round()
    run = services.evaluate_round(actor, rnd)
    evaluation = run.measurands.get()
    stored = json.loads(json.dumps(evaluation.outputs))
    assert evaluate_measurand(evaluation.inputs) == stored
    robust = iso13528.algorithm_a([float(v) for v in pf.VALUES], stop="sig3")
    assert evaluation.x_pt == robust.x_star and evaluation.iterations == robust.iterations
    assert (evaluation.estimator, evaluation.stopping_rule) == ("algorithm-a", "sig3")
    assert evaluation.sigma_pt == pytest.approx(0.05 * robust.x_star)
    assert "ISO 13528:2022 8.2" in evaluation.sigma_basis
    assert run.software_version.startswith("ticcoop ") and f"numpy {np.__version__}" in (
        run.software_version
    )
    by_code = {s.participant.code: s for s in Score.objects.filter(evaluation=evaluation)}
    outlier = by_code[evaluation.inputs["codes"][evaluation.inputs["reported"].index("12.5")]]
    assert outlier.performance == "unsatisfactory" and outlier.z == pytest.approx(
        (12.5 - robust.x_star) / evaluation.sigma_pt
    )
    assert outlier.zeta is not None and outlier.en_class == "unsatisfactory"
    questionable = by_code[evaluation.inputs["codes"][evaluation.inputs["reported"].index("8.75")]]
    assert questionable.performance == "questionable"


def test_censored_results_are_not_scored_and_follow_the_censor_rule() -> None:
    values = [*pf.VALUES[:12], "<0.5", ">100"]
    rnd, actor = pf.closed_round(values=values, censor_rule="exclude")
    evaluation = services.evaluate_round(actor, rnd).measurands.get()
    assert evaluation.p == 12 and evaluation.outputs["n_censored"] == 2
    rows = dict(zip(evaluation.inputs["reported"], evaluation.outputs["rows"], strict=True))
    assert rows["<0.5"]["performance"] == rows[">100"]["performance"] == "not scored"
    assert rows[">100"]["z"] is None and rows["10.1"]["z"] is not None


BASE = {
    "measurand": "铅",
    "unit": "mg/kg",
    "codes": ["A", "B", "C", "D"],
    "values": [1.0, 1.1, 0.9, 1.05],
    "censor": [0, 0, 0, 0],
    "expanded_u": [0.1, None, 0.1, 0.2],
    "k": [2.0, None, 2.0, 2.0],
    "robust_method": "q-hampel",
    "stopping_rule": "sig3",
    "censor_rule": "exclude",
    "sigma_value": 0.1,
    "sigma_percent": None,
    "mass_fraction_per_unit": 1e-6,
}


@pytest.mark.parametrize(
    ("x_pt_method", "sigma_method", "reference", "x_pt", "clause"),
    [
        ("formulation", "fixed", {"value": 1.02, "uncertainty": 0.01}, 1.02, "8.2"),
        ("certified", "previous", {"value": 1.0, "uncertainty": 0.04, "k": 2}, 1.0, "8.3"),
        ("expert", "horwitz", {"expert_results": [1.0, 1.01, 0.99, 1.02]}, None, "8.4"),
        ("consensus", "robust_sd", None, None, "8.6"),
    ],
)
def test_every_statistical_design_uses_methods_iso13528(
    x_pt_method: str, sigma_method: str, reference: Any, x_pt: float | None, clause: str
) -> None:
    inputs = BASE | {
        "x_pt_method": x_pt_method,
        "sigma_method": sigma_method,
        "reference": reference,
    }
    out = evaluate_measurand(inputs)
    if x_pt is not None:
        assert out["x_pt"] == x_pt
    assert out["sigma"]["clause"].endswith(clause)
    assert out["rows"][1]["zeta"] is None and out["rows"][0]["zeta"] is not None
    assert evaluate_measurand(inputs) == out


def test_report_pdf_letters_and_charts(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    rnd, actor = pf.closed_round()
    run = services.evaluate_round(actor, rnd)
    evaluation = run.measurands.get()
    public = Client()
    assert public.get(f"/pt/evaluations/{evaluation.pk}/z.png").status_code == 404
    organiser = Client()
    organiser.force_login(actor)
    draft = organiser.get(f"/pt/evaluations/{evaluation.pk}/histogram.png")
    assert draft.status_code == 200 and draft.content.startswith(b"\x89PNG")
    assert public.get(f"/pt/rounds/{rnd.pk}/report.pdf").status_code == 404
    services.publish_round(actor, rnd)
    report = Report.objects.get(round=rnd)
    pdf = public.get(f"/pt/rounds/{rnd.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content == bytes(report.pdf)
    assert pdf.content.startswith(b"%PDF") and b"STSong-Light" in pdf.content
    # the public report carries codes and statistics only: no letter pages
    assert 2 <= pdf.content.count(b"/Type /Page\n") < rnd.participants.count()
    for kind in ("histogram", "z", "zeta-en"):
        png = public.get(f"/pt/evaluations/{evaluation.pk}/{kind}.png")
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    participant = rnd.participants.first()
    assert participant is not None
    letter = f"/pt/rounds/{rnd.pk}/letters/{participant.code}.pdf"
    stranger = Client()
    stranger.force_login(factories.regulator("12"))
    assert stranger.get(letter).status_code == 404
    other_lab = Client()
    other_lab.force_login(pf.institution_user(rnd.participants.last().institution))
    assert other_lab.get(letter).status_code == 404  # another participant's letter
    owner = Client()
    owner.force_login(pf.institution_user(participant.institution))
    own = owner.get(letter)
    assert own.status_code == 200 and own.content.startswith(b"%PDF")
    assert own.content.count(b"/Type /Page\n") == 1


def test_round_report_builds_no_letter(monkeypatch: pytest.MonkeyPatch) -> None:
    rnd, actor = pf.closed_round()
    run = services.evaluate_round(actor, rnd)

    def no_letter(*args: object, **kwargs: object) -> list[object]:
        raise AssertionError("a participant's letter was put into the public report")

    monkeypatch.setattr(pt_report, "_letter", no_letter)
    assert pt_report.round_report_pdf(run).startswith(b"%PDF")


def test_stored_inputs_are_published_through_the_api() -> None:
    rnd, actor = pf.closed_round()
    evaluation = services.evaluate_round(actor, rnd).measurands.get()
    url = f"/api/pt/evaluations/{evaluation.pk}"
    assert Client().get(url).status_code == 403
    services.publish_round(actor, rnd, render_report=False)
    body = Client().get(url).json()
    assert evaluate_measurand(body["inputs"]) == body["outputs"]


def test_scheme_and_round_through_the_api() -> None:
    client = Client()
    client.force_login(factories.regulator("14"))
    scheme = {
        "code": "SX-PT-1",
        "name": "水中氨氮",
        "provider_name": "山西省检验检测研究院",
        "field": "环境",
        "sigma_method": "percent",
        "measurands": [{"name": "氨氮", "unit": "mg/L", "sigma_percent": 8}],
    }
    created = client.post("/api/pt/schemes", json.dumps(scheme), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["organising_region"] == "14"
    bad = scheme | {"code": "SX-PT-2", "measurands": [{"name": "氨氮", "unit": "mg/L"}]}
    response = client.post("/api/pt/schemes", json.dumps(bad), content_type="application/json")
    assert response.status_code == 422 and "sigma_percent" in response.json()["errors"]
    round_ = {
        "scheme_id": created.json()["id"],
        "code": "SX-2025-1",
        "title": "第一轮",
        "year": 2025,
        "enrolment_deadline": "2030-01-01T00:00:00+08:00",
        "results_due": "2030-02-01T00:00:00+08:00",
    }
    made = client.post("/api/pt/rounds", json.dumps(round_), content_type="application/json")
    assert made.status_code == 201 and made.json()["status"] == "enrolment"
    calendar = Client().get("/api/pt/rounds?region=14").json()
    assert [r["code"] for r in calendar] == ["SX-2025-1"]
    assert "SX-2025-1" in Client().get("/pt/").content.decode()


def test_scores_are_printed_half_up_and_classified_as_printed() -> None:
    """Issue 18: z from the decimals, two places half-up; the class follows the printed z."""
    inputs = BASE | {
        "codes": ["A", "B", "C", "D"],
        "values": [52.845, 57.2104, 57.213, 44.2],
        "expanded_u": [None] * 4,
        "k": [None] * 4,
        "x_pt_method": "formulation",
        "sigma_method": "fixed",
        "reference": {"value": 52.0, "uncertainty": 0.0},
        "sigma_value": 2.6,
    }
    rows = evaluate_measurand(inputs)["rows"]
    assert [r["z_printed"] for r in rows] == ["0.33", "2.00", "2.01", "-3.00"]
    # 2.004 prints as 2.00: satisfactory, although the unrounded z is above 2.
    assert rows[1]["z"] > 2
    assert [r["performance"] for r in rows] == [
        "satisfactory",
        "satisfactory",
        "questionable",
        "unsatisfactory",
    ]


def test_chart_is_rendered_once_per_evaluation_and_language(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Charts are stored on first request (issue 13: 2–4 s per request under load)."""
    from ticcoop.proficiency import charts

    settings.MEDIA_ROOT = tmp_path
    rnd, actor = pf.closed_round()
    evaluation = services.evaluate_round(actor, rnd).measurands.get()
    organiser = Client()
    organiser.force_login(actor)
    url = f"/pt/evaluations/{evaluation.pk}/z.png"
    first = organiser.get(url).content
    rendered: list[str] = []
    original = charts.chart_png
    monkeypatch.setattr(
        charts, "chart_png", lambda *a, **k: rendered.append("x") or original(*a, **k)
    )
    assert organiser.get(url).content == first and rendered == []
    assert len(list((tmp_path / "pt-charts").iterdir())) == 1
    organiser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert organiser.get(url).content.startswith(b"\x89PNG") and rendered == ["x"]


def test_chart_words_follow_the_page_language() -> None:
    from django.utils import translation

    from ticcoop.proficiency.charts import chart_text, cjk_font

    with translation.override("en"):
        assert chart_text().density == "probability density"
    with translation.override("zh-hans"):
        expected = "概率密度" if cjk_font() else "density"
        assert chart_text().density == expected
