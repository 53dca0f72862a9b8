"""Tests for the ``ticcoop check-code`` command (ticcoop.cli.check_code.main)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ticcoop.cli.check_code import main


def test_all_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["91350100M000100Y43", "240112340567", "13"]) == 0
    out = capsys.readouterr().out
    assert out == "91350100M000100Y43\tOK\n240112340567\tOK\n13\tOK\n"


def test_some_invalid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["91350100M000100Y44", "13"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "91350100M000100Y44\tINVALID\twrong check character '4' at position 18 — expected '3'"
    )
    assert lines[1] == "13\tOK"


def test_file_with_bom_and_blank_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "codes.txt"
    path.write_text("\ufeff91310110666007217T\n\n  \n240712340567\r\n11\n", encoding="utf-8")
    assert main(["--file", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "91310110666007217T\tOK"
    assert lines[1].startswith("240712340567\tINVALID\tissuing authority '07' unknown")
    assert lines[2] == "11\tOK"
    assert len(lines) == 3


def test_no_codes_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "no codes given" in capsys.readouterr().err


def test_empty_file_is_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("\n\n", encoding="utf-8")
    assert main(["--file", str(path)]) == 2


def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--file", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"\xff\xfe\x00invalid")
    assert main(["--file", str(bad)]) == 2


def test_unknown_option_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--bogus"]) == 2
    assert "usage: ticcoop check-code" in capsys.readouterr().err


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "ticcoop check-code" in capsys.readouterr().out
