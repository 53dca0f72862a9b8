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


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-for-this-test-only-0123456789",
    "ALLOWED_HOSTS": "ticcoop.example.gov.cn",
}


# Variables of this test process that a production server would not have (the browser tests'
# conftest sets DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly reports).
NOT_IN_PRODUCTION = {"SECRET_KEY", "DEBUG", "PLAIN_HTTP", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    return subprocess.run(
        [sys.executable, "-m", "ticcoop.cli", *args],
        capture_output=True,
        text=True,
        env={**inherited, **env},
        check=False,
    )


def test_the_digest_algorithm_is_sha256_or_sm3() -> None:
    check = SETUP.replace(
        "print('started')",
        "from django.conf import settings as s; print(s.TICCOOP_DIGEST_ALGORITHM)",
    )
    for given, expected in (("", "sha256"), ("SM3", "sm3"), ("sha256", "sha256")):
        env = {"TICCOOP_DIGEST_ALGORITHM": given} if given else {}
        environment = {k: v for k, v in os.environ.items() if k != "TICCOOP_DIGEST_ALGORITHM"}
        result = subprocess.run(
            [sys.executable, "-c", check],
            capture_output=True, text=True, check=False,
            env={**environment, "DJANGO_SETTINGS_MODULE": "ticcoop.config.settings", **env},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == expected
    refused = run_with({"TICCOOP_DIGEST_ALGORITHM": "md5"})
    assert refused.returncode != 0
    assert "TICCOOP_DIGEST_ALGORITHM must be sha256 or sm3" in refused.stderr


def test_check_deploy_is_clean_with_production_settings() -> None:
    # django-csp's own checks (csp.*) belong to the CSP work and are not judged here.
    result = run_command(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    issues = [line for line in result.stderr.splitlines() if line.startswith("?: (")]
    assert [line for line in issues if not line.startswith("?: (csp.")] == [], result.stderr
    assert result.returncode == 0 or issues, result.stderr


def test_production_settings_force_https_and_plain_http_is_one_switch() -> None:
    show = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER)"
    )
    inherited = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    base = {**inherited, "DJANGO_SETTINGS_MODULE": "ticcoop.config.settings", **PRODUCTION}
    code = f"import django; django.setup(); {show}"
    https = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=base, check=True
    )
    assert https.stdout.split() == [
        "True", "31536000", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')"
    ]  # fmt: skip
    plain = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**base, "PLAIN_HTTP": "1"},
        check=True,
    )
    assert plain.stdout.split()[:4] == ["False", "0", "False", "False"]
