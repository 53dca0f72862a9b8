"""Uploaded files, shared by every app: what may be uploaded, how large, and the digest kept.

Two kinds of upload:

* **evidence** (rectifications, findings, supervision results): PDF, PNG/JPEG/GIF/WebP, office
  documents (DOCX/XLSX, DOC/XLS) and CSV/TXT.  A file must have one of these names **and** the
  content of that type (its magic bytes; for DOCX/XLSX the zip member that makes it one), so an
  ``.exe`` renamed ``.pdf`` or an HTML page is refused.  Stored files are always downloaded as
  attachments (:func:`download`).
* **tables** (registry, PT results, competition scores): CSV or XLSX only, checked by
  :func:`check_table` before any parser reads them — size, type, and for XLSX the declared
  uncompressed size of every zip member and its compression ratio (a 3.8 MB "zip bomb" that
  expands to 876 MB is refused in milliseconds, before openpyxl inflates a byte).  The declared
  sizes bind: Python's zipfile reads no more than a member declares.

CSV text is read through :func:`csv_rows`, which turns the csv module's errors (a cell over
the 131,072-character field limit, a NUL byte) into a message with the line number.

The limits live in settings (the "Uploads" block); Django's own DATA_UPLOAD_MAX_MEMORY_SIZE
and FILE_UPLOAD_MAX_MEMORY_SIZE bound the request body held in memory.
"""

from __future__ import annotations

import base64
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from ticcoop.digesting import RecordDigest
from ticcoop.methods import digests

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # DOC and XLS (Compound File Binary)
EVIDENCE_TYPES: tuple[str, ...] = (".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp")
EVIDENCE_TYPES += (".docx", ".xlsx", ".doc", ".xls", ".csv", ".txt")
TABLE_TYPES = (".csv", ".xlsx")


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _zip_has(data: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(n == member or n.startswith(member) for n in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def content_matches(suffix: str, data: bytes) -> bool:
    """Whether ``data`` is a file of the type its name's ``suffix`` says."""
    head = data[:16]
    if suffix == ".pdf":
        return head.startswith(b"%PDF-")
    if suffix == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if suffix == ".gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if suffix == ".webp":
        return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    if suffix in (".doc", ".xls"):
        return head.startswith(OLE2)
    if suffix == ".docx":
        return head.startswith(b"PK\x03\x04") and _zip_has(data, "word/")
    if suffix == ".xlsx":
        return head.startswith(b"PK\x03\x04") and _zip_has(data, "xl/")
    if suffix in (".csv", ".txt"):
        return _is_text(data)
    return False


def check_type(name: str, data: bytes, allowed: Sequence[str], field: str = "files") -> None:
    """Refuse a file whose name is not of an ``allowed`` type or whose content is not what the
    name says."""
    suffix = _suffix(name)
    if suffix not in allowed:
        raise ValidationError(
            {
                field: _("文件 %(name)s 的类型不允许；允许：%(types)s")
                % {"name": name, "types": " ".join(allowed)}
            }
        )
    if suffix in (".csv", ".txt") and b"\x00" in data:
        raise ValidationError(
            {field: _("文件 %(name)s 含有 NUL（0x00）字符，不是文本文件") % {"name": name}}
        )
    if not content_matches(suffix, data):
        raise ValidationError(
            {field: _("文件 %(name)s 的内容不是 %(type)s 文件") % {"name": name, "type": suffix}}
        )
    if suffix == ".xlsx":
        check_xlsx(data, field)


def check_xlsx(data: bytes, field: str = "file") -> None:
    """Refuse an XLSX whose members would inflate past the limits (read from the zip directory:
    nothing is decompressed here)."""
    limit = settings.TICCOOP_MAX_XLSX_UNCOMPRESSED_BYTES
    ratio = settings.TICCOOP_MAX_XLSX_RATIO
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError({field: _("无法读取 XLSX 文件：%(error)s") % {"error": exc}}) from exc
    total = sum(m.file_size for m in members)
    if total > limit:
        raise ValidationError(
            {
                field: _("XLSX 文件解压后有 %(size)d MB，超过上限 %(limit)d MB")
                % {"size": total // 2**20, "limit": limit // 2**20}
            }
        )
    for member in members:
        # Small members compress wildly (empty sheets); only a large one can be a bomb.
        if member.file_size > 2**20 and member.file_size > ratio * max(member.compress_size, 1):
            raise ValidationError(
                {
                    field: _("XLSX 文件的 %(member)s 压缩比超过 %(ratio)d 倍，拒绝读取")
                    % {"member": member.filename, "ratio": ratio}
                }
            )


def check_table(name: str, data: bytes, field: str = "file") -> None:
    """An uploaded table (CSV or XLSX) may be read: size, type, XLSX expansion."""
    cap = settings.TICCOOP_MAX_TABLE_UPLOAD_BYTES
    if len(data) > cap:
        raise ValidationError(
            {field: _("文件 %(name)s 超过 %(max)d MB") % {"name": name, "max": cap // 2**20}}
        )
    if not data:
        raise ValidationError({field: _("文件 %(name)s 为空") % {"name": name}})
    check_type(name, data, TABLE_TYPES, field)


class csv_rows:
    """The rows of CSV ``text`` (a string or lines), like ``csv.reader``; a row the csv module
    refuses (a cell over its field-size limit, …) is a ValidationError naming the line, not a
    traceback."""

    def __init__(self, text: str | Iterable[str], field: str = "file") -> None:
        lines = io.StringIO(text, newline="") if isinstance(text, str) else text
        self.reader = csv.reader(lines)
        self.field = field

    @property
    def line_num(self) -> int:
        return self.reader.line_num

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        try:
            return next(self.reader)
        except csv.Error as exc:
            message = _("CSV 第 %(line)d 行无法读取：%(error)s（单元格最多 %(max)d 个字符）") % {
                "line": self.reader.line_num,
                "error": exc,
                "max": csv.field_size_limit(),
            }
            raise ValidationError({self.field: message}) from exc


def digest_of(upload: UploadedFile) -> str:
    """The upload's written digest with the deployment's algorithm (ticcoop.digesting)."""
    digest = RecordDigest()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.written()


def check_files(files: Sequence[UploadedFile]) -> None:
    """Evidence files: how many, how large, and of an allowed type by name and content."""
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("最多上传 %(max)d 个文件") % {"max": MAX_FILES}})
    for upload in files:
        if not upload.size:
            raise ValidationError({"files": _("文件 %(name)s 为空") % {"name": upload.name}})
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError({"files": _("文件 %(name)s 超过 20 MB") % {"name": upload.name}})
        check_type(upload.name or "", _content(upload), EVIDENCE_TYPES)


def _content(upload: UploadedFile) -> bytes:
    """The upload's bytes (at most MAX_FILE_BYTES, checked above), rewound for storing."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def file_fields(upload: UploadedFile) -> dict[str, object]:
    return {
        "file": upload,
        "name": (upload.name or "")[:255],
        "size": upload.size or 0,
        "sha256": digest_of(upload),
    }


def download(stored: Any) -> FileResponse:
    """A stored evidence file (a model with ``file``, ``name``, ``sha256``) as an attachment.

    Always an attachment of type application/octet-stream, never rendered in the browser (an
    uploaded HTML file must not run as our page), with the SHA-256 recorded at upload in a
    ``Repr-Digest`` header (RFC 9530) so the recipient can check the bytes.  RFC 9530's registry
    has no SM3, so a file recorded with SM3 gets ``X-Ticcoop-Digest: sm3:<hex>`` instead (what
    ``openssl dgst -sm3`` prints).  The caller has already checked that the user may read the
    record the file belongs to.
    """
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("文件已不在存储中")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=stored.name, content_type="application/octet-stream"
    )
    algorithm, hex_digest = digests.split(stored.sha256)
    if algorithm == "sha256":
        digest = base64.b64encode(bytes.fromhex(hex_digest)).decode()
        response["Repr-Digest"] = f"sha-256=:{digest}:"
    response["X-Ticcoop-Digest"] = digests.labelled(algorithm, hex_digest)
    return response
