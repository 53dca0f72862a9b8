"""Nonconformity reminders and decisions reach the institution's users (issue 12)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.test import Client

from ticcoop.accounts.roles import Role
from ticcoop.assessments import services
from ticcoop.assessments.reminders import remind_nonconformities
from ticcoop.assessments.tests import factories as af
from ticcoop.methods.workdays import add_working_days
from ticcoop.notices.models import Notice
from ticcoop.notices.services import save_notice_settings, send_digests
from ticcoop.registry.models import InstitutionMembership
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db
TODAY = date(2025, 9, 29)  # a Monday before the National Day holiday (workdays matter)


def lab_user(institution: object, email: str = "lab@example.cn") -> object:
    user = factories.user(Role.INSTITUTION_USER, "13", email=email)
    InstitutionMembership.objects.create(user=user, institution=institution)
    return user


def test_seven_working_days_before_gives_exactly_one_reminder_and_one_email() -> None:
    made = af.assessment()
    user = lab_user(made.institution)
    deadline = add_working_days(TODAY, 7)  # across the holiday: not 7 calendar days
    assert (deadline - TODAY).days > 9
    af.nonconformity(made, deadline=deadline)
    assert remind_nonconformities(TODAY) == 1
    assert remind_nonconformities(TODAY) == 0  # the schedule ran twice: still one
    notice = Notice.objects.get(user=user)
    assert notice.key == "deadline.soon" and notice.params["days"] == 7
    assert send_digests() == 1 and send_digests() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lab@example.cn"]
    assert "还剩 7 个工作日" in mail.outbox[0].body


def test_one_working_day_before_and_missed_are_reminded_once_each() -> None:
    made = af.assessment()
    user = lab_user(made.institution)
    af.nonconformity(made, deadline=add_working_days(TODAY, 1))
    af.nonconformity(made, deadline=date(2025, 9, 1))
    af.nonconformity(made, deadline=add_working_days(TODAY, 3))  # no threshold today
    assert remind_nonconformities(TODAY) == 2
    assert sorted(Notice.objects.filter(user=user).values_list("key", flat=True)) == [
        "deadline.missed",
        "deadline.soon",
    ]


def test_digest_is_one_email_and_opt_out_sends_none() -> None:
    made = af.assessment()
    user = lab_user(made.institution)
    other = lab_user(made.institution, email="other@example.cn")
    save_notice_settings(other, email_digest=False, language="")
    for days in (1, 7):
        af.nonconformity(made, deadline=add_working_days(TODAY, days))
    assert remind_nonconformities(TODAY) == 4
    assert send_digests() == 1
    assert [m.to for m in mail.outbox] == [["lab@example.cn"]]
    assert mail.outbox[0].body.count("工作日") == 2
    assert not Notice.objects.filter(user=other, emailed_at__isnull=True).exists()
    assert user.notices.count() == 2


def test_messages_are_in_the_readers_language() -> None:
    made = af.assessment()
    user = lab_user(made.institution)
    save_notice_settings(user, email_digest=True, language="en")
    af.nonconformity(made, deadline=add_working_days(TODAY, 7))
    remind_nonconformities(TODAY)
    send_digests()
    assert "7 working days" in mail.outbox[0].body and "工作日" not in mail.outbox[0].body


def test_returned_rectification_tells_the_institution_and_the_inbox_shows_it() -> None:
    made = af.assessment()
    user = lab_user(made.institution)
    nc = af.nonconformity(made, deadline=date(2025, 11, 13))
    services.submit_rectification(user, nc, "已补充记录", [])
    regulator = factories.regulator("13")
    services.return_rectification(regulator, nc, "证据不足")
    notice = Notice.objects.get(user=user)
    assert notice.key == "decision" and notice.params["decision"] == "returned"
    client = Client()
    client.force_login(user)
    home = client.get("/").content.decode()
    assert 'class="unread-count">1<' in home
    inbox = client.get("/inbox/").content.decode()
    assert "不符合项" in inbox and "已退回" in inbox
    client.post("/inbox/read/")
    assert 'class="unread-count"' not in client.get("/").content.decode()
