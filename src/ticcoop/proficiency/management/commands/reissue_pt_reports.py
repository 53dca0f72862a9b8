"""ticcoop reissue-pt-reports: reports stored before the ISO/IEC 17043 layout get a new revision.

Those reports (layout "legacy") were rendered with every participant's letter inside. They
stay stored unchanged as revision 1 (marked superseded); the new revision has the public
layout and the reason ``LEGACY_REASON``. Run at deploy after ``migrate``; a second run
does nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ticcoop.proficiency.services import reissue_legacy_reports


class Command(BaseCommand):
    help = "为旧版（附结果通知书）的能力验证报告签发新版次（已签发的版本不变）"

    def handle(self, *args: Any, **options: Any) -> None:
        issued = reissue_legacy_reports()
        for report in issued:
            self.stdout.write(f"已签发：{report.number} 第 {report.revision} 版")
        self.stdout.write(f"新签发的报告版次：{len(issued)}")
