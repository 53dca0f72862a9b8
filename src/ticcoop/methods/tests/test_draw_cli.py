"""Tests for ``ticcoop draw`` (ticcoop.cli.draw.main)."""

from __future__ import annotations

import io
from pathlib import Path

import consistent_sampler as cs
import pytest

from ticcoop.cli.draw import main

IDS = ["北京-001", "00123", "123", "天津 实验室", "LAB-9"]


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "ids.txt"
    path.write_text(text, encoding=encoding)
    return str(path)


def expected(ids: list[str], seed: str, take: int | None = None) -> str:
    stream = cs.sampler(ids, seed=seed, with_replacement=False, output="tuple", digits=18)
    rows = list(stream)[:take]
    return "".join(f"{ticket}\t{target_id}\n" for ticket, target_id, _ in rows)


def test_sample_prints_package_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "\n".join(IDS) + "\n")
    assert main(["sample", "--seed", "种子 2025", "--ids", path]) == 0
    assert capsys.readouterr().out == expected(IDS, "种子 2025")


def test_take_blank_lines_crlf_and_bom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "\ufeff" + "\r\n".join(["", *IDS, "   ", ""]) + "\r\n")
    assert main(["sample", "--seed", "42", "--ids", path, "--take", "2"]) == 0
    assert capsys.readouterr().out == expected(IDS, "42", take=2)


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a\nb\n"))
    assert main(["sample", "--seed", "s", "--ids", "-"]) == 0
    assert capsys.readouterr().out == expected(["a", "b"], "s")


def test_duplicate_names_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "a\nb\n\n a \n")
    assert main(["sample", "--seed", "s", "--ids", path]) == 2
    err = capsys.readouterr().err
    assert "line 4: duplicate id 'a' (first on line 1)" in err


def test_unreadable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample", "--seed", "s", "--ids", str(tmp_path / "missing")]) == 2
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("北京".encode("gbk"))
    assert main(["sample", "--seed", "s", "--ids", str(bad)]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["sample", "--ids", "x"],
        ["sample", "--seed", "s", "--ids", "x", "--take", "-1"],
        ["sample", "--seed", "s", "--ids", "x", "--take", "two"],
        ["frobnicate"],
    ],
)
def test_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage: ticcoop draw" in capsys.readouterr().err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "sample" in capsys.readouterr().out


def test_verify_is_delegated(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    class FakeVerify:
        @staticmethod
        def main(argv: list[str]) -> int:
            calls.append(argv)
            return 1

    monkeypatch.setattr("importlib.import_module", lambda name: FakeVerify)
    assert main(["verify", "manifest.json", "--targets", "t.csv"]) == 1
    assert calls == [["manifest.json", "--targets", "t.csv"]]
