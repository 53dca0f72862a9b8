"""Report revisions (immutable, corrected as new revisions), reissue of legacy reports, stored
letters and signed participation certificates (private, verifiable offline)."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from pypdf import PdfReader

from ticcoop.cli import verify_certificate
from ticcoop.proficiency import services
from ticcoop.proficiency.models import (
    ParticipantLetter,
    ParticipationCertificate,
    Report,
    ReportLayout,
    Round,
)
from ticcoop.proficiency.services.reports import LEGACY_REASON
from ticcoop.proficiency.tests import factories as pf
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return "".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages).replace(
        " ", ""
    )


@pytest.fixture
def published(settings: Any, tmp_path: Path) -> tuple[Round, Any]:
    settings.MEDIA_ROOT = tmp_path
    rnd, actor = pf.closed_round()
    services.evaluate_round(actor, rnd)
    services.publish_round(actor, rnd)
    return rnd, actor


def test_a_correction_is_a_new_revision_and_the_old_one_stays(published: tuple[Round, Any]) -> None:
    rnd, actor = published
    first = Report.objects.get(round=rnd)
    assert (first.revision, first.number) == (1, f"PTR-{rnd.code}")
    stored = bytes(first.pdf)
    with pytest.raises(ValidationError):
        services.correct_report(actor, rnd, "  ")
    with pytest.raises(PermissionDenied):  # another region's regulator
        services.correct_report(factories.regulator("12"), rnd, "签字人更正")
    services.save_report_particulars(actor, rnd, signatory="赵新签字人")
    second = services.correct_report(actor, rnd, "授权签字人更正")
    assert (second.revision, second.number, second.reason) == (2, first.number, "授权签字人更正")
    assert "赵新签字人" in text_of(bytes(second.pdf)) and "授权签字人更正" in text_of(
        bytes(second.pdf)
    )
    first.refresh_from_db()
    assert bytes(first.pdf) == stored  # issued bytes unchanged
    # the public report is the latest revision; the old one stays, stamped as superseded
    public = Client()
    assert public.get(f"/pt/rounds/{rnd.pk}/report.pdf").content == bytes(second.pdf)
    old = public.get(f"/pt/rounds/{rnd.pk}/report/1.pdf")
    assert old.status_code == 200
    assert "已被取代" in text_of(old.content) and "被第2版取代" in text_of(old.content)
    current = public.get(f"/pt/rounds/{rnd.pk}/report/2.pdf")
    assert current.content == bytes(second.pdf) and "被第2版取代" not in text_of(current.content)
    page = public.get(f"/pt/rounds/{rnd.pk}/report/").content.decode()
    assert "已被取代" in page and "授权签字人更正" in page and first.sha256[:14] in page
    assert public.get(f"/pt/rounds/{rnd.pk}/report/3.pdf").status_code == 404


def test_issued_revisions_are_immutable(published: tuple[Round, Any]) -> None:
    rnd, _actor = published
    report = Report.objects.get(round=rnd)
    report.reason = "changed"
    with pytest.raises(ValidationError):
        report.save()
    with pytest.raises(ValidationError):
        Report.objects.filter(pk=report.pk).update(reason="changed")
    with pytest.raises(ValidationError):
        report.delete()
    with pytest.raises(ValidationError):
        Report.objects.filter(round=rnd).delete()
    assert Report.objects.get(pk=report.pk).reason == ""


def test_correction_page_and_api(published: tuple[Round, Any]) -> None:
    rnd, actor = published
    organiser = Client()
    organiser.force_login(actor)
    url = f"/pt/rounds/{rnd.pk}/report/"
    assert b'name="signatory"' in organiser.get(url).content
    organiser.post(url, {"form": "particulars", "signatory": "钱签字"})
    organiser.post(url, {"form": "correction", "reason": "签字人更正"})
    assert list(Report.objects.filter(round=rnd).values_list("revision", flat=True)) == [2, 1]
    stranger = Client()
    stranger.force_login(factories.regulator("12"))
    stranger.post(url, {"form": "correction", "reason": "无权"})
    assert Report.objects.filter(round=rnd).count() == 2
    assert b'name="signatory"' not in stranger.get(url).content
    listed = Client().get(f"/api/pt/rounds/{rnd.pk}/reports").json()
    assert [(r["revision"], r["superseded"]) for r in listed] == [(1, True), (2, False)]
    answer = organiser.post(
        f"/api/pt/rounds/{rnd.pk}/reports",
        data=json.dumps({"reason": "图表说明更正"}),
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()[-1]["revision"] == 3
    refused = stranger.post(
        f"/api/pt/rounds/{rnd.pk}/reports",
        data=json.dumps({"reason": "x"}),
        content_type="application/json",
    )
    assert refused.status_code == 403 and Report.objects.filter(round=rnd).count() == 3


def test_legacy_reports_get_a_new_revision_once(published: tuple[Round, Any]) -> None:
    rnd, _actor = published
    report = Report.objects.get(round=rnd)
    # a report stored before revisions existed (as migration 0003 leaves it): other round
    other, other_actor = pf.closed_round()
    services.evaluate_round(other_actor, other)
    services.publish_round(other_actor, other, render_report=False)
    run = other.evaluations.get()
    legacy_pdf = b"%PDF-1.4 legacy report with letters"
    Report.objects.create(
        round=other,
        run=run,
        pdf=legacy_pdf,
        sha256=hashlib.sha256(legacy_pdf).hexdigest(),
        number=f"PTR-{other.code}",
        layout=ReportLayout.LEGACY,
    )
    issued = services.reissue_legacy_reports()
    assert [(r.round_id, r.revision, r.reason) for r in issued] == [(other.pk, 2, LEGACY_REASON)]
    assert bytes(Report.objects.get(round=other, revision=1).pdf) == legacy_pdf
    assert services.reissue_legacy_reports() == []
    assert Report.objects.filter(round=rnd).get() == report  # current layout: untouched


def test_letters_are_stored_once_and_served(published: tuple[Round, Any]) -> None:
    rnd, actor = published
    assert services.store_letters(actor, rnd) == rnd.participants.count()
    assert services.store_letters(actor, rnd) == 0
    participant = rnd.participants.first()
    assert participant is not None
    stored = ParticipantLetter.objects.get(participant=participant)
    owner = Client()
    owner.force_login(pf.institution_user(participant.institution))
    assert owner.get(f"/pt/rounds/{rnd.pk}/letters/{participant.code}.pdf").content == bytes(
        stored.pdf
    )


def test_participation_certificate_is_private_and_verifies_offline(
    published: tuple[Round, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rnd, _actor = published
    participant = rnd.participants.first()
    assert participant is not None
    url = f"/pt/rounds/{rnd.pk}/certificates/{participant.code}.pdf"
    owner = Client()
    owner.force_login(pf.institution_user(participant.institution))
    assert url.encode() in owner.get("/pt/mine/").content
    pdf = owner.get(url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    certificate = ParticipationCertificate.objects.get(participant=participant)
    assert owner.get(url).content.count(certificate.token.encode()) >= 1  # issued once
    assert ParticipationCertificate.objects.filter(participant=participant).count() == 1
    assert certificate.digest == hashlib.sha256(certificate.content.encode()).hexdigest()
    assert json.loads(certificate.content)["institution"] == participant.institution.name
    other = Client()
    other.force_login(pf.institution_user(rnd.participants.last().institution))
    assert other.get(url).status_code == 404
    stranger = Client()
    stranger.force_login(factories.regulator("12"))
    assert stranger.get(url).status_code == 404

    keys = tmp_path / "ticcoop-keys.json"
    keys.write_bytes(Client().get("/.well-known/ticcoop-keys.json").content)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf.content)
    assert verify_certificate.main([str(path), "--keys", str(keys)]) == 0
    assert certificate.digest in capsys.readouterr().out
    _prefix, _kid, payload, _signature = certificate.token.split(".")
    changed = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(pdf.content.replace(payload.encode(), changed.encode()))
    assert verify_certificate.main([str(tampered), "--keys", str(keys)]) == 1


def test_no_certificate_before_the_report_is_published(settings: Any, tmp_path: Path) -> None:
    rnd, actor = pf.closed_round()
    participant = rnd.participants.first()
    assert participant is not None
    owner = Client()
    owner.force_login(pf.institution_user(participant.institution))
    assert owner.get(f"/pt/rounds/{rnd.pk}/certificates/{participant.code}.pdf").status_code == 404
    with pytest.raises(ValidationError):
        services.issue_participation_certificate(actor, participant)
