"""The demo: a lab user of a cross-inspection target signs in and can answer a finding."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from ticcoop.accounts.demo import DEMO_PASSWORD
from ticcoop.inspections.models import Finding, FindingStatus
from ticcoop.inspections.models.campaigns import OPEN_FINDING_STATUSES

pytestmark = pytest.mark.django_db


def test_a_demo_lab_user_can_answer_a_cross_inspection_finding() -> None:
    out = StringIO()
    call_command("demo_data", institutions=40, seed=3, stdout=out)
    finding = Finding.objects.filter(status__in=OPEN_FINDING_STATUSES).order_by("pk").first()
    assert finding is not None
    member = finding.target.institution.members.select_related("user").first()
    assert member is not None and member.user.username in out.getvalue()
    client = Client()
    assert client.login(username=member.user.username, password=DEMO_PASSWORD)
    page = client.get(f"/inspections/findings/{finding.pk}/")
    assert page.status_code == 200 and finding.description in page.content.decode()
    answer = client.post(f"/inspections/findings/{finding.pk}/", {"text": "已补充整改记录。"})
    assert answer.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.SUBMITTED
