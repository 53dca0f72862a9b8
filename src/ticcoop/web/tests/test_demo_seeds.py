"""`ticcoop demo-data` works for every seed (issue 18: seed 1 issued a certificate to a
suspended institution and crashed)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", range(8))
def test_demo_data_loads_for_every_seed(seed: int) -> None:
    out = StringIO()
    call_command("demo_data", institutions=40, seed=seed, stdout=out)
    assert "演示账号" in out.getvalue()
    assert "张资质认定证书" in out.getvalue()
