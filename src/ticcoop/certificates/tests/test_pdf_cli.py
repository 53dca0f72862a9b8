"""The signed PDF and the offline CLI: round trip, tampering, revoked keys, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ticcoop.certificates import services
from ticcoop.certificates.pdf import render_certificate_pdf
from ticcoop.certificates.tests import factories as cf
from ticcoop.cli import verify_certificate
from ticcoop.testing import factories
from ticcoop.trust import services as trust

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys_file(tmp_path: Path) -> Path:
    return tmp_path / "ticcoop-keys.json"


def publish(client: Client, path: Path) -> None:
    path.write_bytes(client.get("/.well-known/ticcoop-keys.json").content)


def test_pdf_carries_the_token_and_the_cli_verifies_it_offline(
    tmp_path: Path, keys_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    certificate = cf.certificate("13", name="保定质检有限公司")
    pdf = render_certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF")
    token = certificate.versions.get().token
    assert verify_certificate.tokens_in(pdf) == [token]
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    publish(Client(), keys_file)
    assert verify_certificate.main([str(path), "--keys", str(keys_file)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and certificate.number in out and "保定质检有限公司" in out


def test_cli_rejects_altered_truncated_and_forged_tokens(
    keys_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = cf.certificate("12").versions.get().token
    publish(Client(), keys_file)
    prefix, kid, payload, signature = token.split(".")
    altered = ".".join(
        [prefix, kid, payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1], signature]
    )
    other_key = trust.sign_fields("platform", {"no": "x"}).split(".")[1]
    forged = ".".join([prefix, other_key, payload, signature])
    for bad in (altered, token[:-10], forged, "TC1.garbage", token + "x"):
        assert verify_certificate.main([bad, "--keys", str(keys_file)]) == 1
        assert capsys.readouterr().out.startswith("not valid:")


def test_cli_refuses_tokens_of_a_revoked_key(
    keys_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = cf.certificate("11").versions.get().token
    root = User.objects.create_superuser("root", "r@example.invalid", "x")
    trust.revoke_key(root, token.split(".")[1], "泄露")
    publish(Client(), keys_file)
    assert verify_certificate.main([token, "--keys", str(keys_file)]) == 1
    assert "revoked" in capsys.readouterr().out


def test_cli_reports_a_missing_key_file_and_a_pdf_without_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify_certificate.main(["TC1.a.b.c", "--keys", str(tmp_path / "none.json")]) == 2
    publish(Client(), tmp_path / "k.json")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"%PDF-1.4 nothing here")
    assert verify_certificate.main([str(empty), "--keys", str(tmp_path / "k.json")]) == 1
    assert "没有找到" in capsys.readouterr().out


def test_cli_module_imports_no_django(tmp_path: Path) -> None:
    code = (
        "import sys, ticcoop.cli.verify_certificate as v; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_pdf_of_an_older_version_still_carries_its_own_token() -> None:
    certificate = cf.certificate("14")
    services.suspend_certificate(factories.regulator("14"), certificate, "暂停")
    first = certificate.versions.get(number=1)
    assert verify_certificate.tokens_in(render_certificate_pdf(certificate, first)) == [first.token]
