"""The outbox: one row per change, written in the same transaction as the change itself."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    INSTITUTION = "institutions", _("机构")
    CERTIFICATE = "certificates", _("证书")
    PT_ROUND = "pt-rounds", _("能力验证轮次")
    DRAW = "draws", _("抽取")
    TASK = "tasks", _("检查任务")
    RESULT = "results", _("检查结果")
    FINDING = "findings", _("检查发现")
    DEADLINE = "deadlines", _("逾期期限")


class Event(models.Model):
    id = models.BigAutoField(primary_key=True)
    # The feed's cursor: given by ``events.sequencer`` once the writing transaction (and every
    # older one) has ended, in increasing order, so a reader never skips or repeats a change.
    position = models.BigIntegerField(_("序号"), null=True, blank=True, unique=True, editable=False)
    # PostgreSQL: the writing transaction's id (xid8), stamped by a trigger (migration 0002).
    txid = models.BigIntegerField(null=True, blank=True, editable=False)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("对象"), max_length=100)
    # The webhook event type this change announces ("" for none), e.g. certificate.status_changed.
    type = models.CharField(_("事件类型"), max_length=48, blank=True)
    payload = models.JSONField(_("内容"), default=dict, encoder=DjangoJSONEncoder)
    tombstone = models.BooleanField(_("已删除"), default=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("变更事件")
        verbose_name_plural = _("变更事件")
        indexes = [
            models.Index(fields=["kind", "position"], name="events_kind_position"),
            models.Index(
                fields=["txid", "id"], name="events_unsequenced", condition=Q(position=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}#{self.pk}"


# Webhook event types a subscription may ask for (the Event.type values).
WEBHOOK_TYPES = [
    ("certificate.status_changed", _("证书状态变更")),
    ("draw.published", _("抽取结果公布")),
    ("result.published", _("检查结果公示")),
    ("pt_report.published", _("能力验证报告发布")),
    ("finding.raised", _("发现问题")),
    ("deadline.missed", _("期限已过")),
]


class Subscription(models.Model):
    region_path = "client__region"

    client = models.ForeignKey(
        "apiclients.ApiClient",
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("客户端"),
    )
    url = models.URLField(_("接收地址"), max_length=500)
    types = models.JSONField(_("事件类型"), default=list)
    # Shown to the client as "whsec_" + base64 of these bytes (Standard Webhooks).
    secret = models.CharField(_("签名密钥"), max_length=100)
    is_active = models.BooleanField(_("启用"), default=True)
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    failures_in_row = models.PositiveIntegerField(_("连续失败次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("Webhook 订阅")
        verbose_name_plural = _("Webhook 订阅")

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    RETRYING = "retrying", _("等待重试")
    FAILED = "failed", _("失败")


class Delivery(models.Model):
    region_path = "subscription__client__region"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("订阅")
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, verbose_name=_("事件"))
    status = models.CharField(
        _("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("Webhook 投递")
        verbose_name_plural = _("Webhook 投递")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"msg_{self.pk}"
