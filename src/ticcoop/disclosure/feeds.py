"""Atom feed of the public notices: plans, snapshot hashes, draws and results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from ticcoop.supervision import queries as supervision

FEED_LENGTH = 50


@dataclass(frozen=True)
class Notice:
    title: str
    description: str
    link: str
    when: datetime


def notices() -> list[Notice]:
    found: list[Notice] = []
    for plan in supervision.published_plans()[:FEED_LENGTH]:
        if plan.published_at:
            found.append(
                Notice(
                    _("抽查计划公示：%(t)s") % {"t": plan},
                    plan.get_frequency_display(),
                    reverse("disclosure-plans"),
                    plan.published_at,
                )
            )
    for batch in supervision.public_batches()[:FEED_LENGTH]:
        if batch.frozen_at:
            found.append(
                Notice(
                    _("名录快照公示：%(b)s") % {"b": batch},
                    _("快照哈希 %(h)s") % {"h": batch.snapshot_sha256},
                    reverse("disclosure-draw", args=[batch.pk]),
                    batch.frozen_at,
                )
            )
    for draw in supervision.published_draws()[:FEED_LENGTH]:
        found.append(
            Notice(
                _("抽取结果公示：%(b)s") % {"b": draw.batch},
                _("抽取清单摘要 %(h)s") % {"h": draw.manifest_sha256},
                reverse("disclosure-draw", args=[draw.batch_id]),
                draw.published_at,
            )
        )
    for result in supervision.published_results()[:FEED_LENGTH]:
        if result.published_at:
            found.append(
                Notice(
                    _("检查结果公示：%(t)s") % {"t": result.task.target_name},
                    str(result.get_result_display()),
                    reverse("disclosure-results") + f"#result-{result.pk}",
                    result.published_at,
                )
            )
    return sorted(found, key=lambda n: n.when, reverse=True)[:FEED_LENGTH]


class NoticeFeed(Feed):
    feed_type = Atom1Feed
    title = "双随机、一公开 公示"
    subtitle = "华北五地检验检测认证区域合作平台：抽查事项、计划、抽取结果和检查结果"

    def link(self) -> str:
        return reverse("disclosure-index")

    def items(self) -> list[Notice]:
        return notices()

    def item_title(self, item: Notice) -> str:
        return item.title

    def item_description(self, item: Notice) -> str:
        return item.description

    def item_link(self, item: Notice) -> str:
        return item.link

    def item_guid(self, item: Notice) -> str:
        return f"{item.link}@{item.when.isoformat()}:{item.title}"

    def item_pubdate(self, item: Notice) -> datetime:
        return item.when

    def item_updateddate(self, item: Notice) -> datetime:
        return item.when
