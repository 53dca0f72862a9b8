"""Issue 16, provider workflow: instructions document (versions after dispatch, PDF for
participants and the provider only), dispatch records (CSV all or nothing, row-precise),
receipt confirmation by the lab, the late-result rule (extensions), printed z on actions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from reportlab.lib import utils as rl_utils

from ticcoop.proficiency import services
from ticcoop.proficiency.instructions_pdf import instructions_story, plain_text
from ticcoop.proficiency.models import Dispatch, Extension, Instructions, Round
from ticcoop.proficiency.tests import factories as pf
from ticcoop.testing import factories, otp

pytestmark = pytest.mark.django_db

HANDLING = "收到后 2–8 ℃ 冷藏保存 <img src=/etc/hostname>，7 日内检测。"


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    otp.verify_session(client, user)
    return client


def dispatched_round(count: int = 3) -> tuple[Round, Any, list[Any]]:
    actor = pf.organiser("11")
    rnd = pf.round_(pf.scheme("11", measurands=2))
    participants = pf.enrolled(rnd, count, actor)
    services.save_instructions(
        actor, rnd, sample_handling=HANDLING, reporting="保留两位小数", contact="张三 010-1234"
    )
    services.dispatch_items(actor, rnd)
    rnd.refresh_from_db()
    return rnd, actor, participants


def document_text(rnd: Round, version: int) -> tuple[str, bool]:
    """What a version prints, and whether it carries the superseded watermark."""
    document = rnd.instructions.get(version=version)
    latest = rnd.instructions.order_by("-version").first()
    assert latest is not None
    story, watermark = instructions_story(document, latest.version)
    text = plain_text(story)
    return (text + (watermark.status_line if watermark else "")), watermark is not None


# --- Instructions -----------------------------------------------------------------------------


def test_draft_is_edited_in_place_before_dispatch_then_versions_need_a_reason() -> None:
    actor = pf.organiser("11")
    rnd = pf.round_(pf.scheme("11"))
    pf.enrolled(rnd, 1, actor)
    services.save_instructions(actor, rnd, sample_handling="A", reporting="", contact="c")
    services.save_instructions(actor, rnd, sample_handling="B", reporting="", contact="c")
    assert list(rnd.instructions.values_list("version", "sample_handling")) == [(1, "B")]
    services.dispatch_items(actor, rnd)
    with pytest.raises(ValidationError, match="须说明理由"):
        services.save_instructions(actor, rnd, sample_handling="C", reporting="", contact="c")
    assert rnd.instructions.get().sample_handling == "B"  # unchanged
    stored = rnd.instructions.get()
    stored.sample_handling = "changed behind the service's back"
    with pytest.raises(ValidationError, match="不可修改"):
        stored.save()
    fixed = services.save_instructions(
        actor, rnd, sample_handling="C", reporting="", contact="c", reason="储存温度写错"
    )
    assert fixed.version == 2 and fixed.reason == "储存温度写错"
    assert list(rnd.instructions.order_by("version").values_list("sample_handling", flat=True)) == [
        "B",
        "C",
    ]


def test_only_the_organising_region_edits_instructions() -> None:
    rnd = pf.round_(pf.scheme("11"))
    for outsider in (pf.organiser("12"), pf.institution_user(factories.institution("11"))):
        with pytest.raises(PermissionDenied):
            services.save_instructions(
                outsider, rnd, sample_handling="x", reporting="", contact="c"
            )
    assert not Instructions.objects.exists()


def test_instructions_pdf_for_participants_and_provider_only_user_text_escaped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rnd, actor, participants = dispatched_round()
    opened: list[str] = []
    real = rl_utils.open_for_read

    def spy(name: Any, mode: str = "b") -> Any:
        opened.append(str(name))
        return real(name, mode)

    monkeypatch.setattr(rl_utils, "open_for_read", spy)
    url = f"/pt/rounds/{rnd.pk}/instructions/1.pdf"
    lab = login(pf.institution_user(participants[0].institution))
    response = lab.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not any("hostname" in name for name in opened)  # the <img> tag was not obeyed
    text, superseded = document_text(rnd, 1)
    assert "<img src=/etc/hostname>" in text and not superseded  # printed literally
    assert "张三 010-1234" in text and "铅" in text and "镉" in text
    assert timezone.localtime(rnd.results_due).strftime("%Y-%m-%d %H:%M") in text
    assert login(actor).get(url).status_code == 200
    assert login(pf.organiser("12")).get(url).status_code == 403
    stranger = pf.institution_user(factories.institution("12"))
    assert login(stranger).get(url).status_code == 403
    # the participant's round page links the current version
    assert url in lab.get(f"/pt/rounds/{rnd.pk}/").content.decode()


def test_superseded_version_is_kept_and_watermarked() -> None:
    rnd, actor, _participants = dispatched_round(1)
    services.save_instructions(
        actor, rnd, sample_handling="新", reporting="", contact="c", reason="更正联系人"
    )
    client = login(actor)
    for version in (1, 2):
        body = client.get(f"/pt/rounds/{rnd.pk}/instructions/{version}.pdf").content
        assert body.startswith(b"%PDF")
    old, old_superseded = document_text(rnd, 1)
    new, new_superseded = document_text(rnd, 2)
    assert old_superseded and "已被第 2 版取代" in old and HANDLING in old
    assert not new_superseded and "更正联系人" in new and "新" in new
    page = client.get(f"/pt/rounds/{rnd.pk}/instructions/").content.decode()
    assert page.count('class="instructions-pdf"') == 2


# --- Dispatch records -------------------------------------------------------------------------


def csv_of(rows: list[str]) -> bytes:
    return ("参加者代码,快递公司,运单号,发出日期\n" + "\n".join(rows) + "\n").encode()


def test_dispatch_csv_is_all_or_nothing_with_row_precise_errors() -> None:
    rnd, actor, participants = dispatched_round(3)
    a, b, c = (p.code for p in participants)
    today = timezone.localdate().isoformat()
    bad = csv_of(
        [
            f"{a},顺丰,SF1,{today}",
            f"NOPE,顺丰,SF2,{today}",
            f"{b},,SF3,{today}",
            f"{c},顺丰,SF4,2026-13-01",
            f"{a},顺丰,SF5,{today}",
        ]
    )
    with pytest.raises(ValidationError) as raised:
        services.upload_dispatches(actor, rnd, "d.csv", bad)
    errors = raised.value.messages
    assert any("第 3 行" in e and "NOPE" in e for e in errors)
    assert any("第 4 行" in e and "快递公司" in e for e in errors)
    assert any("第 5 行" in e and "2026-13-01" in e for e in errors)
    assert any("第 6 行" in e and "重复" in e for e in errors)
    assert not any("第 2 行" in e for e in errors)
    assert not Dispatch.objects.exists()  # nothing saved
    good = csv_of([f"{a},顺丰,SF1,{today}", f"{b},EMS,E2,{today}", f"{c},顺丰,SF3,{today}"])
    saved = services.upload_dispatches(actor, rnd, "d.csv", good)
    assert len(saved) == 3 and Dispatch.objects.count() == 3
    # an unconfirmed record is corrected in place by a new upload
    services.upload_dispatches(actor, rnd, "d.csv", csv_of([f"{a},京东,JD9,{today}"]))
    assert Dispatch.objects.count() == 3
    assert Dispatch.objects.get(participant=participants[0]).tracking_number == "JD9"


def test_dispatch_file_header_and_future_date_and_outsiders() -> None:
    rnd, actor, participants = dispatched_round(1)
    with pytest.raises(ValidationError, match="缺少列：运单号"):
        services.upload_dispatches(
            actor, rnd, "d.csv", "参加者代码,快递公司,发出日期\nx,y,z\n".encode()
        )
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError, match=r"第 2 行.*不能晚于今天"):
        services.upload_dispatches(
            actor, rnd, "d.csv", csv_of([f"{participants[0].code},顺丰,1,{tomorrow}"])
        )
    with pytest.raises(PermissionDenied):
        services.upload_dispatches(pf.organiser("12"), rnd, "d.csv", csv_of(["a,b,c,d"]))


def test_lab_confirms_receipt_once_damaged_needs_remark_and_allows_a_resend() -> None:
    rnd, actor, participants = dispatched_round(2)
    today = timezone.localdate()
    rows = [
        services.DispatchRow(p.code, "顺丰", f"SF{i}", today) for i, p in enumerate(participants)
    ]
    first, second = services.record_dispatches(actor, rnd, rows)
    lab_user = pf.institution_user(participants[0].institution)
    with pytest.raises(PermissionDenied):
        services.confirm_receipt(lab_user, second, received_on=today, condition="intact")
    with pytest.raises(ValidationError, match="破损"):
        services.confirm_receipt(lab_user, first, received_on=today, condition="damaged")
    with pytest.raises(ValidationError, match="早于发出日期"):
        services.confirm_receipt(
            lab_user, first, received_on=today - timedelta(days=3), condition="intact"
        )
    services.confirm_receipt(
        lab_user, first, received_on=today, condition="damaged", remark="瓶子碎了"
    )
    with pytest.raises(ValidationError, match="已确认收样"):
        services.confirm_receipt(lab_user, first, received_on=today, condition="intact")
    # damaged: a new row records the items sent again, the first record stays
    services.record_dispatches(
        actor, rnd, [services.DispatchRow(participants[0].code, "EMS", "R1", today)]
    )
    assert participants[0].dispatches.count() == 2
    resent = participants[0].dispatches.order_by("pk").last()
    assert resent is not None
    services.confirm_receipt(lab_user, resent, received_on=today, condition="intact")
    with pytest.raises(ValidationError, match="已确认完好收到"):
        services.record_dispatches(
            actor, rnd, [services.DispatchRow(participants[0].code, "EMS", "R2", today)]
        )


def test_dispatch_records_show_on_provider_pages_and_the_labs_page() -> None:
    rnd, actor, participants = dispatched_round(2)
    today = timezone.localdate()
    services.record_dispatches(
        actor, rnd, [services.DispatchRow(participants[0].code, "顺丰", "SF-777", today)]
    )
    provider = login(actor)
    page = provider.get(f"/pt/rounds/{rnd.pk}/dispatches/").content.decode()
    assert "SF-777" in page and participants[0].institution.name in page
    detail = provider.get(f"/pt/rounds/{rnd.pk}/").content.decode()
    assert "已登记发放 1 个" in detail
    lab = login(pf.institution_user(participants[0].institution))
    mine = lab.get("/pt/mine/").content.decode()
    assert "SF-777" in mine and 'class="confirm-receipt' in mine
    record = Dispatch.objects.get()
    done = lab.post(
        f"/pt/dispatches/{record.pk}/confirm/",
        {"received_on": today.isoformat(), "condition": "intact"},
    )
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.condition == "intact" and record.received_on == today
    other = login(pf.institution_user(participants[1].institution))
    assert other.post(f"/pt/dispatches/{record.pk}/confirm/", {}).status_code == 404
    assert login(pf.organiser("12")).get(f"/pt/rounds/{rnd.pk}/dispatches/").status_code == 403


def test_dispatch_upload_page_reports_errors_and_saves_nothing() -> None:
    rnd, actor, _participants = dispatched_round(1)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(actor)
    response = client.post(
        f"/pt/rounds/{rnd.pk}/dispatches/",
        {"form": "upload", "file": SimpleUploadedFile("d.csv", csv_of(["X,顺丰,1,2026-01-01"]))},
    )
    assert response.status_code == 200 and "第 2 行" in response.content.decode()
    assert not Dispatch.objects.exists()


# --- Late-result rule -------------------------------------------------------------------------


def test_late_result_refused_unless_extension_granted_with_reason_and_audited() -> None:
    rnd, actor, participants = dispatched_round(2)
    late = rnd.results_due + timedelta(hours=2)
    entry = [services.Entry("铅", "1.00")]
    with pytest.raises(ValidationError, match="已过结果提交截止时间"):
        services.submit_results(actor, participants[0], entry, now=late)
    now = rnd.results_due - timedelta(days=1)
    with pytest.raises(ValidationError, match="理由"):
        services.grant_extension(
            actor, participants[0], until=rnd.results_due + timedelta(days=3), reason=" ", now=now
        )
    with pytest.raises(ValidationError, match="晚于结果提交截止"):
        services.grant_extension(actor, participants[0], until=rnd.results_due, reason="x", now=now)
    with pytest.raises(PermissionDenied):
        services.grant_extension(
            pf.organiser("12"), participants[0], until=late + timedelta(days=1), reason="x", now=now
        )
    extension = services.grant_extension(
        actor,
        participants[0],
        until=rnd.results_due + timedelta(days=3),
        reason="样品破损补发",
        now=now,
    )
    assert LogEntry.objects.get_for_object(extension).filter(actor=actor).exists()
    saved = services.submit_results(actor, participants[0], entry, now=late)
    assert len(saved) == 1
    # only the participant with the extension
    with pytest.raises(ValidationError, match="已过结果提交截止时间"):
        services.submit_results(actor, participants[1], entry, now=late)
    # after the extension, refused again
    with pytest.raises(ValidationError, match="已过延期截止时间"):
        services.submit_results(actor, participants[0], entry, now=extension.until + timedelta(1))


def test_round_cannot_close_while_an_extension_runs() -> None:
    rnd, actor, participants = dispatched_round(1)
    services.grant_extension(
        actor,
        participants[0],
        until=rnd.results_due + timedelta(days=2),
        reason="快递延误",
        now=rnd.results_due - timedelta(days=1),
    )
    with pytest.raises(ValidationError, match=participants[0].code):
        services.close_results(actor, rnd, now=rnd.results_due + timedelta(days=1))
    closed = services.close_results(actor, rnd, now=rnd.results_due + timedelta(days=2, minutes=1))
    assert closed.status == "closed"
    with pytest.raises(ValidationError, match="结果未截止"):
        services.grant_extension(
            actor, participants[0], until=timezone.now() + timedelta(days=90), reason="x"
        )
    assert Extension.objects.count() == 1


def test_extension_form_on_the_provider_page() -> None:
    rnd, actor, participants = dispatched_round(1)
    until = timezone.localtime(rnd.results_due + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client = login(actor)
    response = client.post(
        f"/pt/rounds/{rnd.pk}/dispatches/",
        {"form": "extension", "code": participants[0].code, "until": until, "reason": "补发样品"},
    )
    assert response.status_code == 302
    assert Extension.objects.get().reason == "补发样品"
    page = client.get(f"/pt/rounds/{rnd.pk}/dispatches/").content.decode()
    assert "补发样品" in page


# --- Printed z on the corrective-action page --------------------------------------------------


def test_action_page_shows_z_as_printed_not_the_binary_float() -> None:
    rnd, actor = pf.closed_round()
    services.evaluate_round(actor, rnd)
    services.publish_round(actor, rnd, render_report=False)
    from ticcoop.proficiency.models import CorrectiveAction

    action = CorrectiveAction.objects.select_related("score__evaluation").first()
    assert action is not None
    score = action.score
    row = next(r for r in score.evaluation.outputs["rows"] if r["code"] == score.participant.code)
    user = pf.institution_user(action.institution)
    html = login(user).get(f"/pt/actions/{action.pk}/").content.decode()
    assert f"z = {row['z_printed']}" in html
    assert f"z′ = {row['z_prime_printed']}" in html
    # a float just below a tie prints half-up from the exact decimals (0.325 → 0.33)
    from ticcoop.proficiency.queries import _printed

    assert _printed(None, "z", 0.32499999999999996) == "0.32"
    assert _printed({"z_printed": "0.33"}, "z", 0.32499999999999996) == "0.33"
    assert _printed(None, "z", None) == "—" and _printed(None, "z", float("nan")) == "—"


def test_dates_accept_xlsx_cells() -> None:
    from ticcoop.proficiency.services.workflow import _date

    assert _date("2026-12-01 00:00:00") == date(2026, 12, 1)
    assert _date("2026-12-01") == date(2026, 12, 1)
    assert _date("01/12/2026") is None


def test_receipt_form_errors_come_back_as_messages_and_change_nothing() -> None:
    rnd, actor, participants = dispatched_round(1)
    today = timezone.localdate()
    services.record_dispatches(
        actor, rnd, [services.DispatchRow(participants[0].code, "顺丰", "SF1", today)]
    )
    record = Dispatch.objects.get()
    lab = login(pf.institution_user(participants[0].institution))
    for data, expected in (
        ({"received_on": "not a date", "condition": "intact"}, "收到日期"),
        ({"received_on": today.isoformat(), "condition": "damaged"}, "破损"),
        ({"received_on": today.isoformat(), "condition": "lost"}, "样品状态"),
    ):
        response = lab.post(f"/pt/dispatches/{record.pk}/confirm/", data, follow=True)
        assert response.status_code == 200 and expected in response.content.decode()
    record.refresh_from_db()
    assert not record.confirmed
