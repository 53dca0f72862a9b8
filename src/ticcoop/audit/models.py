"""Links of the audit hash chain (docs/methods/audit-chain.md); append-only like the audit log."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticcoop.digesting import digest_field


class ChainLink(models.Model):
    """One write (or deletion) of a chained record, hashed together with the link before it."""

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    table = models.CharField(_("数据表"), max_length=100)
    record_pk = models.CharField(_("记录主键"), max_length=64)
    payload = models.TextField(_("记录内容（规范 JSON）"))
    prev_hash = digest_field(_("前一环哈希"))
    hash = digest_field(_("本环哈希"))  # "sm3:<hex>" for an SM3 link (methods.chain)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("审计链环节")
        verbose_name_plural = _("审计链")
        indexes = [models.Index(fields=["table", "record_pk"], name="audit_link_record")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.table} {self.record_pk}"
