"""ticcoop backup → wipe → ticcoop restore gives back the same rows, files and keys."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from ticcoop.cli.backup import media_files, table_fingerprints
from ticcoop.registry.models import Institution
from ticcoop.testing import factories
from ticcoop.trust.models import SigningKeyRecord
from ticcoop.trust.services import ensure_signing_key

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def installation(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.VAR_DIR.mkdir()
    (settings.VAR_DIR / "secret_key").write_text("the-secret-key-of-this-installation\n")
    return settings.VAR_DIR


def test_backup_wipe_restore_gives_back_rows_files_and_keys(installation: Path) -> None:
    for code in ("11", "13", "15"):
        factories.institution(code, contact_person="张三")
    factories.regulator("12")
    ensure_signing_key("platform")
    ensure_signing_key("13")
    default_storage.save("evidence/报告.pdf", ContentFile(b"%PDF-1.4 evidence\n"))
    default_storage.save("imports/registry.csv", ContentFile("名称,地区\n".encode()))
    rows_before = table_fingerprints()
    files_before = media_files()
    keys_before = sorted(SigningKeyRecord.objects.values_list("kid", "private_key_pem"))
    archive = installation / "backup.tar.gz"
    call_command("backup", "--output", str(archive))
    assert archive.stat().st_mode & 0o077 == 0

    # Wipe: every table emptied, the files and the secret key gone.
    call_command("flush", "--noinput")
    for path in Path(default_storage.location).rglob("*"):
        if path.is_file():
            path.unlink()
    (installation / "secret_key").unlink()
    assert not Institution.objects.exists() and not SigningKeyRecord.objects.exists()

    call_command("restore", str(archive), "--yes")
    assert table_fingerprints() == rows_before
    assert media_files() == files_before
    assert sorted(SigningKeyRecord.objects.values_list("kid", "private_key_pem")) == keys_before
    assert Institution.objects.count() == 3
    assert (installation / "secret_key").read_text() == "the-secret-key-of-this-installation\n"
    digest = hashlib.sha256(b"%PDF-1.4 evidence\n").hexdigest()
    assert files_before["evidence/报告.pdf"] == digest


def test_a_damaged_archive_is_refused_before_anything_changes(installation: Path) -> None:
    factories.institution("11")
    archive = installation / "backup.tar.gz"
    call_command("backup", "--output", str(archive))
    tampered = installation / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            if member.name.startswith("database"):
                content = (data.read() if data else b"") + b"junk"
                member.size = len(content)
                target.addfile(member, io.BytesIO(content))
            else:
                target.addfile(member, data)
    factories.institution("12")
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(tampered), "--yes")
    assert Institution.objects.count() == 2
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    (installation / "not-a-backup.tar.gz").write_bytes(b"plain text")
    with pytest.raises(CommandError, match="not a readable"):
        call_command("restore", str(installation / "not-a-backup.tar.gz"), "--yes")
