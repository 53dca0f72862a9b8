"""Tests for the ``ticcoop pt`` command (ticcoop.cli.pt.main), called directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ticcoop.cli.pt import main

# ISO 13528:2022 E.3 (atrazine, 34 participants); printed x* 0.2570, s* 0.0395, u 0.0085
# (Algorithm A) and 0.2600, 0.0426, 0.0091 (Q/Hampel) — see test_iso13528.py for the source.
from ticcoop.methods.tests.test_iso13528 import E3


def write_csv(tmp_path: Path, rows: list[str], bom: bool = True) -> Path:
    path = tmp_path / "round.csv"
    text = ("\ufeff" if bom else "") + "lab,atrazine\r\n" + "".join(r + "\r\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_algorithm_a_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path, [f"L{i:02d},{v}" for i, v in enumerate(E3)])
    code, out, err = run(["stats", str(path), "--column", "atrazine"], capsys)
    assert code == 0 and err == ""
    report = json.loads(out)
    assert round(report["robust_mean"], 4) == 0.2570
    assert round(report["robust_sd"], 4) == 0.0395
    assert round(report["u_x_pt"], 4) == 0.0085
    assert report["p"] == 34 and report["method"] == "algorithm-a"
    assert report["stopping_rule"] == "sig3" and report["iterations"] > 0
    assert report["small_round"] is False and report["small_round_alternatives"] is None
    assert report["start"]["scale_source"] == "MADe"


def test_q_hampel_and_tol(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path, [f"L{i:02d},{v}" for i, v in enumerate(E3)], bom=False)
    code, out, _ = run(["stats", str(path), "--column", "atrazine", "--method", "q-hampel"], capsys)
    report = json.loads(out)
    assert code == 0 and report["stopping_rule"] is None and report["iterations"] == 0
    assert (round(report["robust_mean"], 4), round(report["robust_sd"], 4)) == (0.26, 0.0426)
    code, out, _ = run(["stats", str(path), "--column", "atrazine", "--stop", "tol"], capsys)
    report = json.loads(out)
    assert code == 0 and report["stopping_rule"] == "tol" and report["tolerance"] == 1e-10


def test_small_round_censored_and_blank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path, ["A,1.2", "B,<0.5", "C,", "D,1.4", "E,1.3", "F,1.1"])
    code, out, _ = run(["stats", str(path), "--column", "atrazine"], capsys)
    report = json.loads(out)
    assert code == 0 and report["p"] == 4 and report["small_round"] is True
    assert report["censored"] == {"rule": "exclude", "n_censored": 1, "n_used": 4}
    assert report["blank_cells_skipped"] == 1
    assert "Annex D" in report["small_round_alternatives"]["note"]
    code, out, _ = run(
        ["stats", str(path), "--column", "atrazine", "--censored", "half-limit"], capsys
    )
    assert code == 0 and json.loads(out)["p"] == 5


@pytest.mark.parametrize(
    ("rows", "extra", "message"),
    [
        (["A,1.0", "B,abc", "C,2"], [], "line 3, column 'atrazine': result 'abc'"),
        (["A,1.0", "B,nan"], [], "line 3"),
        (["A,1.0"], [], "at least 2"),
        (["A,1.0", "B,2.0"], ["--method", "q-hampel", "--stop", "tol"], "--stop applies"),
        (["A,1.0", "B,2.0"], ["--stop", "tol", "--tol", "0"], "tolerance"),
        (["A,1.0", "B"], [], "line 3: the row has no field"),
    ],
)
def test_bad_values(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: list[str],
    extra: list[str],
    message: str,
) -> None:
    path = write_csv(tmp_path, rows)
    code, out, err = run(["stats", str(path), "--column", "atrazine", *extra], capsys)
    assert code == 2 and out == "" and message in err


def test_bad_file_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["stats", str(tmp_path / "missing.csv"), "--column", "x"], capsys)
    assert code == 2 and "cannot read" in err
    path = write_csv(tmp_path, ["A,1.0", "B,2.0"])
    code, _, err = run(["stats", str(path), "--column", "lead"], capsys)
    assert code == 2 and "no column 'lead'; columns are 'lab', 'atrazine'" in err
    latin = tmp_path / "latin.csv"
    latin.write_bytes("lab,x\nA,1\nB,\xe9\n".encode("latin-1"))
    code, _, err = run(["stats", str(latin), "--column", "x"], capsys)
    assert code == 2 and "cannot read" in err
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    code, _, err = run(["stats", str(empty), "--column", "x"], capsys)
    assert code == 2 and "empty" in err


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["stats", "f.csv"]) == 2  # --column is required
    assert main(["stats", "f.csv", "--column", "x", "--method", "mean"]) == 2
    assert "usage: ticcoop pt" in capsys.readouterr().err
