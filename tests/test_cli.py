from __future__ import annotations

import subprocess
import sys

import pytest

from ticcoop.cli import main
from ticcoop.methods.ids import make_credit_code


def test_check_code_through_the_ticcoop_command(capsys: pytest.CaptureFixture[str]) -> None:
    valid = make_credit_code("91130100MA0ABCDE1")
    broken = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    assert main(["check-code", valid, broken]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{valid}\tOK"
    assert lines[1].startswith(f"{broken}\tINVALID\t")
    assert valid[-1] in lines[1]


def test_usage_lists_the_published_methods(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out = capsys.readouterr().out
    assert "check-code" in out
    assert "demo-data" in out


def test_the_installed_script_runs_without_a_database() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ticcoop.cli", "check-code", "12345"],
        capture_output=True,
        text=True,
        check=False,
        env={"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "PATH": ""},
    )
    assert result.returncode == 1
    assert result.stdout.startswith("12345\tINVALID\t")
