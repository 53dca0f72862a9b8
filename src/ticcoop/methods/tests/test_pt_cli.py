"""Tests for the ``ticcoop pt`` command (ticcoop.cli.pt.main), called directly."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticcoop.cli import pt
from ticcoop.cli.pt import main
from ticcoop.methods.iso13528 import parse_result

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


PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
            st.decimals(allow_nan=False, allow_infinity=False, places=6).map(str),
            st.sampled_from(["1e5", "-.5", "+3.", "0007", "2E-3"]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_plain_column_fast_path_equals_the_cell_by_cell_reader(cells: list[str]) -> None:
    """The whole-column path and parse_result give the same numbers, or the slow path runs."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.csv"
        path.write_text("lab,x\n" + "".join(f"L{i},{c}\n" for i, c in enumerate(cells)))
        fast = pt._plain_column(str(path), "x")
        plain = all(
            re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", c) for c in cells
        )
        assert (fast is not None) == plain
        if fast is not None:
            expected = [parse_result(c)[0] for c in cells]
            assert fast.values.tolist() == expected
            assert not fast.censor.any()


def test_fast_path_falls_back_for_blank_censored_and_short_rows(tmp_path: Path) -> None:
    malformed = ["1.2.3", "--1", "1e", "e5", ".", "+", "1e+", "1-2", "E", "+-1", "1..2"]
    shapes = [["A,1.0", "B,"], ["A,1.0", "B,<0.5"], ["A,1.0", "B"], ["A,nan"], ["A,-inf"]]
    shapes += [["A,１０"], ["A,1_0"], ["A,0x10"]]
    for rows in shapes + [["A,1.0", f"B,{cell}"] for cell in malformed]:
        path = tmp_path / "r.csv"
        path.write_text("lab,x\n" + "\n".join(rows) + "\n")
        assert pt._plain_column(str(path), "x") is None
    path.write_text("x,x\n1,2\n")
    assert pt._plain_column(str(path), "x") is None  # duplicate header: the slow path decides
    path.write_text("lab,x\n")
    assert pt._plain_column(str(path), "x") is None  # no rows: the slow path says so
    # surrounding spaces and quotes: the number parse_result reads from the same cell
    # and a lab code starting with "#" is a lab, not a comment
    path.write_text('lab,x\nA, 1.5 \n"B,1",2\n\nC,"3"\n#D,4\n')
    fast = pt._plain_column(str(path), "x")
    assert fast is not None and fast.values.tolist() == [1.5, 2.0, 3.0, 4.0]
