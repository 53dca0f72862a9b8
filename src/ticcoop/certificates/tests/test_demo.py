from __future__ import annotations

import pytest

from ticcoop.certificates import demo
from ticcoop.certificates.models import Certificate, CertificateVersion
from ticcoop.certificates.search import stale_search_keys
from ticcoop.certificates.tests import factories as cf
from ticcoop.testing import factories
from ticcoop.trust.queries import verify_token

pytestmark = pytest.mark.django_db


def test_demo_certificates_with_histories_for_every_region() -> None:
    for code in ("11", "12", "13", "14", "15"):
        factories.regulator(code)
        holder = factories.institution(code)
        cf.assessment(holder)  # a passed initial assessment: issued through the service
        for _ in range(12):
            factories.institution(code)
    summary = demo.load(2025)
    assert "5 张依据评审首次发证" in summary
    issued = Certificate.objects.filter(versions__action="issue").distinct()
    assert issued.count() == 5
    regions = set(Certificate.objects.values_list("issuing_region__code", flat=True))
    assert regions == {"11", "12", "13", "14", "15"}
    assert Certificate.objects.filter(status="suspended").count() == 10
    assert Certificate.objects.filter(status="revoked").count() == 5
    for version in CertificateVersion.objects.order_by("?")[:5]:
        assert verify_token(version.token).fields["v"] == version.number
    assert stale_search_keys() == []  # bulk-created demo certificates are searchable


def test_demo_serials_move_to_the_next_sector_when_four_digits_are_used_up() -> None:
    serials = demo._Serials()
    numbers = [serials.number(2025, "01", "17", 9998) for _ in range(3)]
    assert numbers == ["250117009998", "250117009999", "250117019998"]
    assert serials.number(2025, "01", "12", 1) == "250112000001"  # each field counts apart
