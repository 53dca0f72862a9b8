"""Inbox messages (站内消息) and each user's notice settings.

A message stores a key of the catalogue (catalogue.py) and its parameters, not text: it is
rendered in the reader's language when shown or mailed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("收件人"),
    )
    key = models.CharField(_("消息类型"), max_length=64)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # One message per (user, occasion): reminders are sent once per deadline and threshold.
    occasion = models.CharField(_("事由"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "occasion"],
                condition=~Q(occasion=""),
                name="one_notice_per_occasion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.key}"


class NoticeSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_settings"
    )
    email_digest = models.BooleanField(_("每日邮件摘要"), default=True)
    language = models.CharField(
        _("消息语言"), max_length=16, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = _("消息设置")
        verbose_name_plural = _("消息设置")

    def __str__(self) -> str:
        return str(self.user)
