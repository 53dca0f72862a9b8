"""The demo: a lab with several rounds of history and a drift warning; its regulator sees it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from ticcoop.accounts.demo import DEMO_PASSWORD
from ticcoop.proficiency.demo import DRIFT
from ticcoop.registry.models import InstitutionMembership
from ticcoop.testing import factories, otp

pytestmark = pytest.mark.django_db


def test_the_demo_lab_sees_its_history_and_drift_warning() -> None:
    call_command("demo_data", institutions=40, seed=3, stdout=StringIO())
    member = (
        InstitutionMembership.objects.select_related("user", "institution")
        .order_by("institution__region__code", "institution__pk")
        .first()
    )
    assert member is not None
    client = Client()
    assert client.login(username=member.user.username, password=DEMO_PASSWORD)
    page = client.get("/pt/mine/")
    assert page.status_code == 200
    assert "drift-warning" in page.content.decode()
    lead = [h for h, _chart in page.context["histories"] if h.measurand.name == "铅"]
    assert len(lead) == 1 and lead[0].stats.n == len(DRIFT) and lead[0].drifting
    assert all(abs(z) < 3 for z in lead[0].stats.z)  # warned before any unsatisfactory result
    # issue 16, provider workflow: every demo round has instructions and dispatch records;
    # the lab sees its live round's shipment with the receipt form, and the instructions
    html = page.content.decode()
    assert 'class="confirm-receipt' in html and 'class="instructions-pdf"' in html
    from ticcoop.proficiency.models import Dispatch, Round

    for rnd in Round.objects.exclude(status="enrolment"):
        assert rnd.instructions.exists(), rnd.code
        assert Dispatch.objects.filter(participant__round=rnd).count() == rnd.participants.count()
    assert Dispatch.objects.filter(condition="intact").exists()  # past rounds: confirmed
    regulator = factories.regulator("11")
    client.force_login(regulator)
    otp.verify_session(client, regulator)
    listed = client.get("/pt/actions/").context["drifting"]
    assert member.institution in [h.institution for h in listed]
    # issue 16: the published demo rounds carry the report's particulars, none "（未指定）"
    from ticcoop.proficiency.demo import PARTICULARS
    from ticcoop.proficiency.models import ReportParticulars
    from ticcoop.proficiency.tests.test_report_checklist import pdf_text

    published = Round.objects.filter(status="published").select_related("scheme")
    assert published.count() >= len(DRIFT)
    for rnd in published:
        found = ReportParticulars.objects.get(round=rnd)
        code = rnd.scheme.organising_region.code
        assert found.coordinator == PARTICULARS[code]["coordinator"] and found.signatory
    latest = published.filter(scheme__organising_region__code="12").get()
    pdf = Client().get(f"/pt/rounds/{latest.pk}/report.pdf")
    assert pdf.status_code == 200
    text, _pages = pdf_text(pdf.content)
    assert "能力验证协调者赵海燕" in text and "报告授权签字人孙文涛质量负责人" in text
    assert "（未指定）" not in text
    assert "天津市某计量检测中心" in text  # the subcontracted homogeneity/stability lab
