"""Uploaded evidence files, shared by every app: size limits and the SHA-256 kept at upload."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def check_files(files: Sequence[UploadedFile]) -> None:
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("最多上传 %(max)d 个文件") % {"max": MAX_FILES}})
    for upload in files:
        if not upload.size:
            raise ValidationError({"files": _("文件 %(name)s 为空") % {"name": upload.name}})
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError({"files": _("文件 %(name)s 超过 20 MB") % {"name": upload.name}})


def file_fields(upload: UploadedFile) -> dict[str, object]:
    return {
        "file": upload,
        "name": (upload.name or "")[:255],
        "size": upload.size or 0,
        "sha256": sha256_of(upload),
    }


def download(stored: Any) -> FileResponse:
    """A stored evidence file (a model with ``file``, ``name``, ``sha256``) as an attachment.

    Always an attachment of type application/octet-stream, never rendered in the browser (an
    uploaded HTML file must not run as our page), with the SHA-256 recorded at upload in a
    ``Repr-Digest`` header (RFC 9530) so the recipient can check the bytes.  The caller has
    already checked that the user may read the record the file belongs to.
    """
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("文件已不在存储中")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=stored.name, content_type="application/octet-stream"
    )
    digest = base64.b64encode(bytes.fromhex(stored.sha256)).decode()
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    return response
