"""Uploaded evidence files, shared by every app: size limits and the SHA-256 kept at upload."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
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
