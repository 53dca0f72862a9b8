"""The one evidence-file model shape, shared by every app that keeps uploaded evidence.

Rectification evidence (assessments), finding and joint-task files (inspections) and
supervision evidence were four near-copies; each now extends :class:`EvidenceFileBase` and
adds only its owner, its storage folder and (where kept) who uploaded it.  The digest is taken
at upload (:func:`ticcoop.uploads.file_fields`) with the deployment's algorithm and names it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ticcoop.digesting import digest_field
from ticcoop.methods import digests


class EvidenceFileBase(models.Model):
    """An uploaded evidence file: original name, size and digest recorded at upload.

    ``sha256`` keeps its name (APIs, exports and admin read it) and holds a written digest
    (methods.digests): 64 hex digits for SHA-256 or ``sm3:<hex>`` for SM3.
    """

    name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = digest_field(_("文件摘要（SHA-256 或 SM3）"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.sha256[:12]}…)"

    @property
    def digest_algorithm(self) -> str:
        return digests.algorithm_of(self.sha256)

    def matches(self, data: bytes) -> bool:
        """True if ``data`` has the recorded digest (recomputed with its own algorithm)."""
        return digests.matches(self.sha256, data)
