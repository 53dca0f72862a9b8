from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "ticcoop.events"
    verbose_name = _("变更事件")

    def ready(self) -> None:
        from ticcoop.events.recorder import on_deadline_missed
        from ticcoop.notices.reminders import deadline_missed

        deadline_missed.connect(on_deadline_missed, dispatch_uid="events-deadline-missed")
