from __future__ import annotations

import pytest

from ticcoop.registry.models import RiskClassChange
from ticcoop.registry.services import raise_risk_class
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def test_raising_records_source_reason_and_trigger() -> None:
    beijing_regulator = factories.regulator("11")
    hebei = factories.institution("13", risk_class="B")
    change = raise_risk_class(
        beijing_regulator, hebei, "C", source="proficiency", reason="近3轮2次不满意"
    )
    hebei.refresh_from_db()
    assert hebei.risk_class == "C"
    assert change is not None
    assert (change.from_class, change.to_class, change.triggered_by) == (
        "B",
        "C",
        beijing_regulator,
    )


def test_the_class_is_never_lowered_by_a_rule() -> None:
    institution = factories.institution("12", risk_class="D")
    assert raise_risk_class(None, institution, "B", source="supervision", reason="x") is None
    institution.refresh_from_db()
    assert institution.risk_class == "D"
    assert not RiskClassChange.objects.exists()


def test_an_unknown_class_is_refused() -> None:
    institution = factories.institution("12")
    with pytest.raises(ValueError, match="unknown risk class"):
        raise_risk_class(None, institution, "E", source="x", reason="y")
