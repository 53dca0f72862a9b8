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


@pytest.mark.parametrize(
    "words",
    [
        ["check-code", "12345"],
        ["pt", "stats", "/nonexistent.csv", "--column", "x"],
        ["draw", "sample", "--seed", "s", "--ids", "/nonexistent.txt"],
        ["draw", "verify", "/nonexistent.json", "--targets", "t", "--inspectors", "i"],
        ["verify-certificate", "TC1.forged.token.here", "--keys", "/nonexistent.json"],
    ],
)
def test_published_methods_never_load_django(words: list[str]) -> None:
    """Outside checkers re-run these with no database and no platform settings."""
    script = (
        "import sys; from ticcoop.cli import main; code = main(sys.argv[1:]); "
        "assert 'django' not in sys.modules, 'django was imported'; sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *words], capture_output=True, text=True, check=False
    )
    assert "django was imported" not in result.stderr
    assert "Traceback" not in result.stderr
    assert result.returncode in {1, 2}
