"""Writing inbox messages, reading them, settings, and the daily email digest.

Domain services call :func:`notify` (never the other way round). With an ``occasion`` the call
is idempotent: a second call for the same user and occasion changes nothing, which is how a
reminder is sent exactly once per deadline and threshold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.notices.catalogue import render
from ticcoop.notices.models import Notice, NoticeSettings


def notify(
    user: Any, key: str, params: dict[str, Any], *, url: str = "", occasion: str = ""
) -> Notice | None:
    """One inbox message; None when this occasion was already notified to this user."""
    if occasion and Notice.objects.filter(user=user, occasion=occasion).exists():
        return None
    try:
        with transaction.atomic():
            return Notice.objects.create(
                user=user, key=key, params=params, url=url, occasion=occasion[:200]
            )
    except IntegrityError:  # a concurrent call for the same occasion won
        return None


def notify_all(
    users: Any, key: str, params: dict[str, Any], *, url: str = "", occasion: str = ""
) -> int:
    return sum(notify(u, key, params, url=url, occasion=occasion) is not None for u in users)


@transaction.atomic
def mark_read(user: Any, notice_ids: list[int] | None = None) -> int:
    """Mark the user's messages read (all unread ones when ``notice_ids`` is None)."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_ids is not None:
        unread = unread.filter(pk__in=notice_ids)
    return unread.update(read_at=timezone.now())


def settings_of(user: Any) -> NoticeSettings:
    found = NoticeSettings.objects.filter(user=user).first()
    return found or NoticeSettings(user=user)


@transaction.atomic
def save_notice_settings(actor: Any, *, email_digest: bool, language: str) -> NoticeSettings:
    record = settings_of(actor)
    record.email_digest = email_digest
    record.language = language
    record.full_clean()
    with audit_as(actor):
        record.save()
    return record


def language_of(user: Any) -> str:
    chosen = settings_of(user).language
    return chosen or settings.LANGUAGE_CODE


def send_digests(now: datetime | None = None) -> int:
    """One email per user with messages not yet mailed: the daily digest. Returns emails sent.

    Users without an address or who opted out get none; their messages are still marked, so a
    later opt-in does not mail a backlog.
    """
    now = now or timezone.now()
    user_ids = (
        Notice.objects.filter(emailed_at__isnull=True).values_list("user_id", flat=True).distinct()
    )
    sent = 0
    for user in get_user_model().objects.filter(pk__in=list(user_ids)):
        with transaction.atomic():
            pending = list(
                Notice.objects.select_for_update()
                .filter(user=user, emailed_at__isnull=True)
                .order_by("created_at", "pk")
            )
            if not pending:
                continue
            if user.email and settings_of(user).email_digest:
                _mail_digest(user, pending)
                sent += 1
            Notice.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
    return sent


def _mail_digest(user: Any, pending: list[Notice]) -> None:
    language = language_of(user)
    lines = [f"- {render(n.key, n.params, language)}" for n in pending]
    with translation.override(language):
        subject = _("华北五地检验检测认证区域合作平台：%(count)d 条新消息") % {
            "count": len(pending)
        }
        footer = _("在站内消息页面可以查看全部消息，或关闭邮件摘要。")
    body = "\n".join([*lines, "", footer])
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
