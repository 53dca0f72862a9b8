"""Backup and restore of one installation: database, uploaded files, keys, in one archive.

The archive (``.tar.gz``) holds ``manifest.json``, the database (``database.sqlite3`` made with
SQLite's online backup API, or ``database.pgdump`` from ``pg_dump --format=custom``), every file
under MEDIA_ROOT as ``media/…`` and, when present, the ``secret_key`` file of ``make run`` as
``keys/secret_key``. The signing keys of the trust app live in the database and travel with it.

The manifest records a SHA-256 of every file in the archive and, per table, the row count and a
SHA-256 over the rows, so ``restore`` refuses a damaged archive before touching anything and
proves afterwards that the restored database holds exactly the rows that were saved.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT = "ticcoop-backup/1"
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.pgdump"
SECRET_NAME = "keys/secret_key"  # noqa: S105 - a file name in the archive, not a secret


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    files: int
    secret_key: bool


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_fingerprints() -> dict[str, dict[str, Any]]:
    """Row count and a hash over every row of every table, independent of row order."""
    result: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected name
            rows = sorted(hashlib.sha256(repr(row).encode()).digest() for row in cursor.fetchall())
            digest = hashlib.sha256(b"".join(rows)).hexdigest()
            result[table] = {"rows": len(rows), "sha256": digest}
    return result


def media_files() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256_file(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def secret_key_file() -> Path:
    return Path(settings.VAR_DIR) / "secret_key"


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore, the password in the environment only."""
    db = connection.settings_dict
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _dump_database(target: Path) -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target / SQLITE_NAME)
        try:
            connection.connection.backup(destination)  # consistent even while others write
        finally:
            destination.close()
        return SQLITE_NAME
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(target / PG_NAME)]
        _run([*command, *args], env)
        return PG_NAME
    raise BackupError(f"no backup method for the {connection.vendor} database")


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} not found (apt-get install postgresql-client)") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def create_backup(output: Path | None = None) -> Path:
    """Write the archive and return its path (default: VAR_DIR/backups/ticcoop-<time>.tar.gz)."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    if output is None:
        output = Path(settings.VAR_DIR) / "backups" / f"ticcoop-{stamp}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ticcoop-backup-") as work:
        staging = Path(work)
        database_name = _dump_database(staging)
        files = media_files()
        members: dict[str, Path] = {database_name: staging / database_name}
        members.update({f"media/{name}": Path(settings.MEDIA_ROOT) / name for name in files})
        if secret_key_file().is_file():
            members[SECRET_NAME] = secret_key_file()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": connection.vendor, "file": database_name},
            "tables": table_fingerprints(),
            "files": {name: sha256_file(path) for name, path in members.items()},
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            for name, path in members.items():
                archive.add(path, arcname=name, recursive=False)
        partial.chmod(0o600)  # it holds the signing keys and the secret key
        partial.replace(output)
    return output


def _extract(archive_path: Path, target: Path) -> dict[str, Any]:
    """Unpack regular files only, each name checked, then every hash against the manifest."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            for member in archive.getmembers():
                name = Path(member.name)
                if not member.isfile() or name.is_absolute() or ".." in name.parts:
                    raise BackupError(f"unexpected entry in the archive: {member.name!r}")
                archive.extract(member, target, filter="data")
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BackupError(f"{archive_path} is not a readable ticcoop backup: {exc}") from exc
    manifest_path = target / "manifest.json"
    if not manifest_path.is_file():
        raise BackupError("manifest.json is missing from the archive")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, expected in manifest["files"].items():
        path = target / name
        if not path.is_file() or sha256_file(path) != expected:
            raise BackupError(f"{name} is missing or damaged in the archive")
    return manifest


def _load_database(source: Path, manifest: dict[str, Any]) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"the backup is of a {vendor} database, this one is {connection.vendor}")
    if vendor == "sqlite":
        connection.ensure_connection()
        origin = sqlite3.connect(source / SQLITE_NAME)
        try:
            origin.backup(connection.connection)  # replaces every page of the live database
        finally:
            origin.close()
        return
    connections.close_all()
    args, env = _pg_env()
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    _run([*command, *args, str(source / PG_NAME)], env)


def _load_media(source: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    if root.exists():
        # Kept beside, not deleted: files uploaded after the backup may still be wanted.
        aside = root.with_name(f"{root.name}.before-restore-{timezone.now():%Y%m%dT%H%M%S}")
        root.rename(aside)
    saved = source / "media"
    if saved.is_dir():
        shutil.copytree(saved, root)
    else:
        root.mkdir(parents=True)
    return sum(1 for path in root.rglob("*") if path.is_file())


def restore_backup(archive_path: Path) -> RestoreReport:
    """Replace database, media and secret key with the archive's, then prove they match it."""
    with tempfile.TemporaryDirectory(prefix="ticcoop-restore-") as work:
        source = Path(work)
        manifest = _extract(archive_path, source)
        _load_database(source, manifest)
        files = _load_media(source)
        has_secret = (source / SECRET_NAME).is_file()
        if has_secret:
            target = secret_key_file()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / SECRET_NAME, target)
            target.chmod(0o600)
    restored = table_fingerprints()
    wrong = sorted(
        table for table, saved in manifest["tables"].items() if restored.get(table) != saved
    )
    if wrong:
        raise BackupError(f"restored tables differ from the backup: {', '.join(wrong[:10])}")
    expected_media = {
        name.removeprefix("media/"): digest
        for name, digest in manifest["files"].items()
        if name.startswith("media/")
    }
    if media_files() != expected_media:
        raise BackupError("restored files differ from the backup")
    rows = sum(table["rows"] for table in restored.values())
    return RestoreReport(len(restored), rows, files, has_secret)
