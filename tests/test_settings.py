from __future__ import annotations

import os
import subprocess
import sys

SETUP = "import django; django.setup(); print('started')"


def run_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment = {**inherited, "DJANGO_SETTINGS_MODULE": "ticcoop.config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", SETUP], capture_output=True, text=True, env=environment, check=False
    )


def test_refuses_to_start_without_debug_and_with_the_default_key() -> None:
    result = run_with({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_starts_without_debug_when_given_a_key() -> None:
    result = run_with({"DEBUG": "0", "SECRET_KEY": "a-real-secret-for-this-test-only"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_a_bad_boolean_is_a_clear_error() -> None:
    result = run_with({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr
