"""Signed submission receipts: one per submission, private, verifiable offline, tamper-evident."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from ticcoop.cli import verify_certificate
from ticcoop.proficiency import services
from ticcoop.proficiency.models import SubmissionReceipt
from ticcoop.proficiency.tests import factories as pf
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def submitted() -> tuple[SubmissionReceipt, object]:
    rnd = pf.round_()
    actor = pf.organiser("11")
    lab = factories.institution("12")
    user = pf.institution_user(lab)
    participant = services.enrol(actor, rnd, lab)
    services.dispatch_items(actor, rnd)
    services.submit_results(user, participant, [services.Entry("铅", "10.1", "0.3", "2")])
    services.submit_results(user, participant, [services.Entry("铅", "10.12", "0.3", "2")])
    return SubmissionReceipt.objects.get(participant=participant, number=2), user


def test_each_submission_gets_a_receipt_with_the_digest_of_its_content() -> None:
    receipt, _user = submitted()
    assert receipt.digest == hashlib.sha256(receipt.content.encode("utf-8")).hexdigest()
    content = json.loads(receipt.content)
    assert content["code"] == receipt.participant.code
    assert content["results"] == [["铅", 2, "10.12", 0.3, 2.0, "", "web"]]
    assert SubmissionReceipt.objects.filter(participant=receipt.participant).count() == 2


def test_receipt_pdf_is_private_and_verifies_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    receipt, user = submitted()
    rnd = receipt.participant.round
    url = f"/pt/rounds/{rnd.pk}/receipts/{receipt.participant.code}/2.pdf"
    owner = Client()
    owner.force_login(user)
    assert url.encode() in owner.get(f"/pt/rounds/{rnd.pk}/results/").content
    pdf = owner.get(url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    other = Client()
    other.force_login(pf.institution_user(factories.institution("12")))
    assert other.get(url).status_code == 404
    assert (
        owner.get(f"/pt/rounds/{rnd.pk}/receipts/{receipt.participant.code}/9.pdf").status_code
        == 404
    )

    keys = tmp_path / "ticcoop-keys.json"
    keys.write_bytes(Client().get("/.well-known/ticcoop-keys.json").content)
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf.content)
    assert verify_certificate.main([str(path), "--keys", str(keys)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and receipt.digest in out
    # a changed byte in the signed payload is refused
    prefix, kid, payload, signature = receipt.token.split(".")
    changed = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    assert (
        verify_certificate.main([".".join([prefix, kid, changed, signature]), "--keys", str(keys)])
        == 1
    )
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(pdf.content.replace(payload.encode(), changed.encode()))
    assert verify_certificate.main([str(tampered), "--keys", str(keys)]) == 1


def test_a_refused_submission_gets_no_receipt() -> None:
    rnd = pf.round_()
    actor = pf.organiser("11")
    participant = services.enrol(actor, rnd, factories.institution("13"))
    services.dispatch_items(actor, rnd)
    with pytest.raises(ValidationError):
        services.submit_results(actor, participant, [services.Entry("铅", "abc")])
    assert not SubmissionReceipt.objects.filter(participant=participant).exists()
